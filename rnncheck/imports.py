"""Which local names are torch's: the file's own import table, no metadata providers.

libcst's QualifiedNameProvider costs about 30x a parse; a dictionary built from the import
statements answers the only question the checker asks: is this dotted name torch's `X`?
"""

from __future__ import annotations

import libcst as cst

from rnncheck import syntax

ALIASES = {
    "torch.nn.modules.rnn.": "torch.nn.",
    "torch.nn.modules.linear.": "torch.nn.",
    "torch.nn.modules.dropout.": "torch.nn.",
}


class ImportTable:
    """Local name -> the qualified name it was imported as (`nn` -> `torch.nn`)."""

    def __init__(self, module: cst.Module) -> None:
        self.names: dict[str, str] = {}
        self.starred: list[str] = []
        shadowed: set[str] = set()
        for statement in module.body:
            _collect_shadowing(statement, shadowed)
        for node in _imports(module):
            self._add(node)
        for name in shadowed:
            self.names.pop(name, None)
        self._shadowed = shadowed

    def _add(self, node: cst.Import | cst.ImportFrom) -> None:
        if isinstance(node, cst.Import):
            for alias in node.names:
                qualified = syntax.dotted(alias.name)
                if alias.asname is not None:
                    self.names[syntax.dotted(alias.asname.name)] = qualified
                else:
                    top = qualified.split(".")[0]
                    self.names[top] = top
            return
        if node.relative or node.module is None:
            return
        source = syntax.dotted(node.module)
        if isinstance(node.names, cst.ImportStar):
            self.starred.append(source)
            return
        for alias in node.names:
            name = syntax.dotted(alias.name)
            local = syntax.dotted(alias.asname.name) if alias.asname is not None else name
            self.names[local] = f"{source}.{name}"

    def alias(self, qualified: str) -> str | None:
        """The local name bound to a module (`torch`, or `th` after `import torch as th`)."""
        names = sorted(local for local, target in self.names.items() if target == qualified)
        return qualified if qualified in names else (names[0] if names else None)

    def qualify(self, expression: cst.BaseExpression) -> str | None:
        """The qualified name an expression such as `nn.LSTM` stands for, if imported."""
        parts: list[str] = []
        while type(expression) is cst.Attribute:  # exact types: no libcst node has subclasses
            parts.append(expression.attr.value)
            expression = expression.value
        if type(expression) is not cst.Name:
            return None
        head = self.names.get(expression.value)
        if head is None:
            head = self._from_star(expression.value)
            if head is None:
                return None
        return _canonical(".".join([head, *reversed(parts)]))

    def _from_star(self, name: str) -> str | None:
        if name in self._shadowed:
            return None
        for source in self.starred:
            if source in ("torch.nn", "torch.nn.utils.rnn"):
                return f"{source}.{name}"
        return None


def _canonical(qualified: str) -> str:
    for prefix, replacement in ALIASES.items():
        if qualified.startswith(prefix):
            return replacement + qualified[len(prefix) :]
    return qualified


def _imports(module: cst.Module) -> list[cst.Import | cst.ImportFrom]:
    """Imports at module level and inside `if`/`try` blocks (`try: import torch`)."""
    found: list[cst.Import | cst.ImportFrom] = []
    pending: list[cst.CSTNode] = list(module.body)
    while pending:
        node = pending.pop(0)
        if isinstance(node, cst.SimpleStatementLine):
            found.extend(s for s in node.body if isinstance(s, cst.Import | cst.ImportFrom))
        elif isinstance(node, cst.If | cst.Try | cst.Else | cst.ExceptHandler | cst.Finally):
            pending.extend(_block(node))
    return found


def _block(node: cst.CSTNode) -> list[cst.CSTNode]:
    children: list[cst.CSTNode] = []
    body = getattr(node, "body", None)
    if isinstance(body, cst.IndentedBlock):
        children.extend(body.body)
    for name in ("orelse", "handlers", "finalbody"):
        extra = getattr(node, name, None)
        if isinstance(extra, tuple | list):
            children.extend(extra)
        elif extra is not None:
            children.append(extra)
    return children


def _collect_shadowing(statement: cst.CSTNode, shadowed: set[str]) -> None:
    """Module-level classes, functions and assignments that rebind a name: they are not torch's."""
    if isinstance(statement, cst.ClassDef | cst.FunctionDef):
        shadowed.add(statement.name.value)
    elif isinstance(statement, cst.SimpleStatementLine):
        for small in statement.body:
            if isinstance(small, cst.Assign):
                for target in small.targets:
                    if isinstance(target.target, cst.Name):
                        shadowed.add(target.target.value)

"""Where nodes are, computed only when something asks: most files have nothing to report."""

from __future__ import annotations

import libcst as cst
from libcst.metadata import CodeRange, MetadataWrapper, PositionProvider


class Positions:
    def __init__(self, module: cst.Module) -> None:
        self.module = module
        self._ranges: dict[cst.CSTNode, CodeRange] = {}

    def of(self, node: cst.CSTNode) -> CodeRange:
        if not self._ranges:
            wrapper = MetadataWrapper(self.module, unsafe_skip_copy=True)
            self._ranges.update(wrapper.resolve(PositionProvider))
        return self._ranges[node]

    def line(self, node: cst.CSTNode) -> int:
        return self.of(node).start.line

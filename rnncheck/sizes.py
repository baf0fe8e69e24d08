"""Symbolic sizes: widths written with names (`hidden`, `2 * h`, `h // 2`) compared without values.

A size is a linear combination of atoms with rational coefficients plus a constant. An atom is a
name the code never gives a value to (a constructor parameter, say); anything the algebra cannot
keep linear (`h // 2`, `a * b`) becomes an opaque atom of its own. Two sizes *provably* differ
only when their difference has one sign for every value the atoms can take, so `2 * (h // 2)`
against `h` is never reported.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

Number = int | Fraction


@dataclass(frozen=True)
class Atom:
    """A size the code names but never fixes. `at_least` is its smallest possible value."""

    name: str
    at_least: int = 1
    scope: str = ""
    """Where the name is bound, so two parameters that share a name stay two atoms."""


@dataclass(frozen=True)
class Size:
    terms: tuple[tuple[Atom, Fraction], ...] = ()
    constant: Fraction = Fraction(0)

    @staticmethod
    def of(value: Number | Size) -> Size:
        return value if isinstance(value, Size) else Size((), Fraction(value))

    @staticmethod
    def named(name: str, at_least: int = 1, scope: str = "") -> Size:
        return Size(((Atom(name, at_least, scope), Fraction(1)),))

    @property
    def value(self) -> int | None:
        """The integer this size is, when it contains no atom."""
        if self.terms or self.constant.denominator != 1:
            return None
        return int(self.constant)

    def _combine(self, other: Number | Size, sign: int) -> Size:
        other = Size.of(other)
        coefficients = dict(self.terms)
        for atom, coefficient in other.terms:
            coefficients[atom] = coefficients.get(atom, Fraction(0)) + sign * coefficient
        terms = tuple(sorted(((a, c) for a, c in coefficients.items() if c), key=_order))
        return Size(terms, self.constant + sign * other.constant)

    def __add__(self, other: Number | Size) -> Size:
        return self._combine(other, 1)

    __radd__ = __add__

    def __sub__(self, other: Number | Size) -> Size:
        return self._combine(other, -1)

    def __rsub__(self, other: Number | Size) -> Size:
        return Size.of(other)._combine(self, -1)

    def __mul__(self, other: Number | Size) -> Size:
        other = Size.of(other)
        if other.terms and self.terms:
            return Size.named(f"({self})*({other})", at_least=0)
        scalar, size = (other.constant, self) if not other.terms else (self.constant, other)
        terms = tuple((a, c * scalar) for a, c in size.terms if c * scalar)
        return Size(terms, size.constant * scalar)

    __rmul__ = __mul__

    def __floordiv__(self, other: Number | Size) -> Size:
        other = Size.of(other)
        divisor = other.value
        if divisor and divisor > 0:
            if self.value is not None:
                return Size.of(self.value // divisor)
            if (
                all((c / divisor).denominator == 1 for _, c in self.terms)
                and (self.constant / divisor).denominator == 1
            ):
                return self * Fraction(1, divisor)
        return Size.named(f"({self})//({other})", at_least=0)

    def provably_differs(self, other: Number | Size, given: tuple[Size, ...] = ()) -> bool:
        """True only when `self != other` for every value of the atoms, each size in `given`
        being known to be at least 1 (torch's own checks: `hidden_size - proj_size`)."""
        gap = self - other
        return _positive(gap, given) or _positive(-1 * gap, given)

    def provably_less(self, other: Number | Size) -> bool:
        """True only when `self < other` for every value of the atoms."""
        return _positive(Size.of(other) - self)

    def __str__(self) -> str:
        parts = []
        for atom, coefficient in self.terms:
            parts.append(atom.name if coefficient == 1 else f"{coefficient} * {atom.name}")
        if self.constant or not parts:
            parts.append(str(self.constant))
        return " + ".join(parts).replace("+ -", "- ")


def _positive(size: Size, given: tuple[Size, ...] = ()) -> bool:
    """Whether a size is above 0 for every value of its atoms: each coefficient positive, and
    the sum above 0 with every atom at its smallest. With facts `given` (each at least 1): also
    when `size` is `k * fact + rest` for some k > 0 and `k + rest` is above 0 that way."""
    if _above_zero(size):
        return True
    coefficients = dict(size.terms)
    for fact in given:
        for atom, coefficient in fact.terms:
            k = coefficients.get(atom, Fraction(0)) / coefficient
            if k > 0 and _above_zero(size - k * fact + k):
                return True
    return False


def _above_zero(size: Size) -> bool:
    if any(c <= 0 for _, c in size.terms):
        return False
    return sum(c * a.at_least for a, c in size.terms) + size.constant > 0


def _order(term: tuple[Atom, Fraction]) -> str:
    return term[0].name

"""The coin price table (data in `coinhelp/data/prices.yaml`) and dollar estimates.

The table holds real packages (coins for a price). An estimate for any
number of coins is a range: the low end at the best per-coin rate of any
package, the high end at the rate of the smallest package. It is only ever
shown labelled as an estimate, because prices vary by region and change.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from coinhelp.errors import ConfigError

PRICES_FILE = Path(__file__).parent.parent / "data" / "prices.yaml"
CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class Package:
    coins: int
    price: Decimal

    @property
    def rate(self) -> Decimal:
        """Price of one coin in this package."""
        return self.price / self.coins


@dataclass(frozen=True, slots=True)
class Estimate:
    """What a number of coins costs, as a range in the table's currency."""

    coins: int
    low: Decimal
    high: Decimal
    currency: str


@dataclass(frozen=True, slots=True)
class PriceTable:
    region: str
    currency: str
    source: str
    packages: tuple[Package, ...]  # ordered by coins, smallest first

    @property
    def best_rate(self) -> Decimal:
        return min(package.rate for package in self.packages)

    @property
    def smallest_package_rate(self) -> Decimal:
        return self.packages[0].rate

    def estimate(self, coins: int) -> Estimate:
        """The range `coins` cost: best rate (rounded down) to smallest-package rate (up)."""
        if coins < 0:
            raise ValueError("coins must not be negative")
        # Multiply before dividing, so a whole package costs exactly its price.
        best = min(coins * package.price / package.coins for package in self.packages)
        smallest = self.packages[0]
        low = best.quantize(CENT, rounding=ROUND_FLOOR)
        high = (coins * smallest.price / smallest.coins).quantize(CENT, rounding=ROUND_CEILING)
        return Estimate(coins=coins, low=low, high=max(low, high), currency=self.currency)


def load_price_table(path: Path = PRICES_FILE) -> PriceTable:
    """Read and check a price table file; raises ConfigError if it is unusable."""
    try:
        raw = yaml.safe_load(path.read_text("utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"cannot read the price table {path}: {exc}") from exc
    return parse_price_table(raw, origin=str(path))


def parse_price_table(raw: Any, origin: str = "price table") -> PriceTable:
    """Check the structure of a loaded price table; raises ConfigError."""
    if not isinstance(raw, dict):
        raise ConfigError(f"{origin}: expected a mapping at the top level")
    for key in ("region", "currency", "source"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise ConfigError(f"{origin}: {key!r} must be a non-empty string")
    items = raw.get("packages")
    if not isinstance(items, list) or not items:
        raise ConfigError(f"{origin}: 'packages' must be a non-empty list")
    packages = []
    for index, item in enumerate(items, start=1):
        if not isinstance(item, dict) or set(item) != {"coins", "price"}:
            raise ConfigError(f"{origin}: package {index} needs exactly 'coins' and 'price'")
        coins, price_text = item["coins"], item["price"]
        if isinstance(coins, bool) or not isinstance(coins, int) or coins < 1:
            raise ConfigError(f"{origin}: package {index}: coins must be a positive whole number")
        if not isinstance(price_text, str):
            raise ConfigError(f"{origin}: package {index}: write the price as a quoted string")
        try:
            price = Decimal(price_text)
        except InvalidOperation as exc:
            raise ConfigError(f"{origin}: package {index}: {price_text!r} is not a price") from exc
        if not price.is_finite() or price <= 0:
            raise ConfigError(f"{origin}: package {index}: the price must be positive")
        packages.append(Package(coins=coins, price=price))
    packages.sort(key=lambda package: package.coins)
    if len({package.coins for package in packages}) != len(packages):
        raise ConfigError(f"{origin}: two packages have the same number of coins")
    return PriceTable(
        region=raw["region"].strip(),
        currency=raw["currency"].strip(),
        source=raw["source"].strip(),
        packages=tuple(packages),
    )


@functools.cache
def default_price_table() -> PriceTable:
    """The shipped table, read once. Call at start-up to fail fast on bad data."""
    return load_price_table()

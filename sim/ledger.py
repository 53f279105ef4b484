"""The ledger: every RMB as a double-entry flow between accounts (docs/MODEL.md §7.13).

Accounts: ``consumers``, each brand, each platform, and ``outside`` (suppliers for COGS,
operators' wages, content makers). Lines and their direction:

=================  ===================  ===============================
line               payer                payee
=================  ===================  ===============================
revenue            consumers            brand (what consumers pay, net of coupons)
cogs               brand                outside
ads                brand                its platform
commission         brand                its platform (sales made on the platform)
wages              brand                outside (operators)
content            brand                outside
incentives         brand                consumers (join red packets)
referral           brand                consumers (referral rewards)
overheads          brand                outside (rent, staff: fixed costs)
alliance_fees      offering brand       carrying brand
=================  ===================  ===============================

Coupon value given is a memo line (``discounts``), not a flow. Amounts are float64.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

BRAND_COST_LINES = ("cogs", "ads", "commission", "wages", "content", "incentives", "referral", "overheads",
                    "alliance_fees")
PAYEE = {"cogs": "outside", "ads": "platform", "commission": "platform", "wages": "outside",
         "content": "outside", "incentives": "consumers", "referral": "consumers", "overheads": "outside"}


class Ledger:
    """Collects the day's flows as rows (day, line, payer, payee, amount) in account indices.

    Account indices: 0 consumers, 1 outside, 2..2+B-1 brands, then platforms.
    """

    CONSUMERS, OUTSIDE = 0, 1

    def __init__(self, brand_names: list[str], platform_names: list[str]):
        self.n_brands = len(brand_names)
        self.accounts = ["consumers", "outside"] + [f"brand:{n}" for n in brand_names] + [
            f"platform:{n}" for n in platform_names]
        self._rows: list[np.ndarray] = []
        self.lines = ("revenue",) + BRAND_COST_LINES

    def brand_account(self, b: np.ndarray | int) -> np.ndarray | int:
        return 2 + np.asarray(b) if not isinstance(b, int) else 2 + b

    def platform_account(self, p: np.ndarray | int) -> np.ndarray | int:
        return 2 + self.n_brands + (np.asarray(p) if not isinstance(p, int) else p)

    def day_rows(self, day: int, flows: dict[str, np.ndarray], brand_platform: np.ndarray,
                 alliance_fees: np.ndarray) -> np.ndarray:
        """Rows for one day. ``flows[line]`` is a (B,) array of amounts; ``alliance_fees[payer, payee]``."""
        B = self.n_brands
        brand_acc = 2 + np.arange(B)
        # one block of B rows per line (revenue, then PAYEE's lines in order): day, line, payer, payee, amount
        blocks = np.empty((1 + len(PAYEE), B, 5))
        blocks[:, :, 0] = day
        blocks[:, :, 1] = np.array([self.lines.index(line) for line in ("revenue", *PAYEE)])[:, None]
        blocks[0, :, 2], blocks[0, :, 3] = self.CONSUMERS, brand_acc
        blocks[1:, :, 2] = brand_acc
        for k, payee in enumerate(PAYEE.values(), start=1):
            blocks[k, :, 3] = (self.OUTSIDE if payee == "outside" else self.CONSUMERS if payee == "consumers"
                               else self.platform_account(brand_platform))
        blocks[:, :, 4] = [flows["revenue"], *(flows[line] for line in PAYEE)]
        rows = blocks.reshape(-1, 5)
        payer, payee = np.nonzero(alliance_fees)
        if payer.size:
            fees = np.column_stack([np.full(payer.size, day), np.full(payer.size, self.lines.index("alliance_fees")),
                                    self.brand_account(payer), self.brand_account(payee), alliance_fees[payer, payee]])
            rows = np.concatenate([rows, fees.astype(float)])
        rows = rows[rows[:, 4] != 0.0]
        self._rows.append(rows)
        return rows

    def net_by_account(self, rows: np.ndarray) -> np.ndarray:
        """Net inflow per account of a set of rows (sums to zero by construction of double entry)."""
        net = np.zeros(len(self.accounts))
        np.add.at(net, rows[:, 3].astype(int), rows[:, 4])
        np.subtract.at(net, rows[:, 2].astype(int), rows[:, 4])
        return net

    def to_frame(self, scale: float, reported_from: int = 1) -> pd.DataFrame:
        """The reported ledger as a tidy DataFrame (amounts in RMB of the represented market)."""
        if not self._rows:
            return pd.DataFrame(columns=["day", "line", "payer", "payee", "amount"])
        rows = np.concatenate(self._rows)
        rows = rows[rows[:, 0] >= reported_from]
        acc = np.array(self.accounts, dtype=object)
        return pd.DataFrame({
            "day": rows[:, 0].astype(np.int64),
            "line": np.array(self.lines, dtype=object)[rows[:, 1].astype(int)],
            "payer": acc[rows[:, 2].astype(int)],
            "payee": acc[rows[:, 3].astype(int)],
            "amount": rows[:, 4] * scale,
        })

    def drop_before(self, day: int) -> None:
        """Forget warm-up rows (kept only while the warm-up runs)."""
        self._rows = [r[r[:, 0] >= day] for r in self._rows]

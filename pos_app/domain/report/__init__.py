"""The Loyalty Program report's definitions: one place, used by the central service and the register.

`periods` holds the calendar (local days, grains, periods), `facts` what an
order, a ledger entry and a member contribute, `control` the control-group
statistics and `loyalty_report` the metrics themselves (`build_report`).
Standard library only, like the rest of the domain.
"""

"""The status digest: a snapshot of the whole campaign (KPIs, escalations, budget, action items),
its hourly schedule, and its message; also the `/warroom status` view built on it."""

"""PESEM follow-up dashboard: domain package (loading, formulas, status, findings, import)."""

"""Cluster mode: several identical pool servers sharing PostgreSQL and Redis (a setting, not a fork)."""

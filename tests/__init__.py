"""Tests of the village legal-service kiosk."""

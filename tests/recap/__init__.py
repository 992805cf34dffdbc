"""Tests of recaps: notes parsing, recap timing, the action-item ledger and recap emails."""

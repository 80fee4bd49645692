"""Batches: many documents, many services, scanned in parallel worker processes with a resumable results store."""

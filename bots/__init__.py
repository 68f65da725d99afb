"""The composition root and the runtime: config, scheduler, outbox relay and the platform adapters."""

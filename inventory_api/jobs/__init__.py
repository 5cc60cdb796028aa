"""Background work: each job a small module with `run(db, now, settings)`, one loop (`loop.py`) that runs them in
turn. Work that must happen once across workers and replicas takes a database lock inside its job."""

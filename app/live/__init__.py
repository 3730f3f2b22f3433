"""Live updates: the event log, room names, and publishing to Socket.IO after commit."""

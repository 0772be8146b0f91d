"""The console's pages, one blueprint per area: sign-in, the agent's tickets, the
technician's day."""

# lib/: small helpers shared by the daemons (logging, HTTP auth, event-loop glue).

"""The only modules of logistics that talk to outside systems: carriers and the postal provider.
Each call goes through a circuit breaker whose state is shared by every worker through Redis."""

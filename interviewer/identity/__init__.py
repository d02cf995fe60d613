"""Who owns what: owners, accounts, sessions, API tokens and sign-in throttling."""

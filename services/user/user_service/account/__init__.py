"""Account deletion (issue 16): the request, its one transaction, and the `erase_account` job."""

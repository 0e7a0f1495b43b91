"""Machine submission: API tokens and the write API (issue 11).

A token acts as the account it belongs to and goes through the same workflow services
as that account's upload (check and preview, then save all or nothing), so that every
rule of who may write which figure applies to it unchanged.
"""

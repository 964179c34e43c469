"""Conversations and their direct messages: the API and the messages table."""

"""Avatars: upload grants, the image pipeline, the processor's results and the status a user sees."""

"""Export my data (issue 16): a zip of everything the user made, built by a job, behind a presigned URL."""

"""The web side: chat API (Rasa REST convention), chat page, health check, NLU parse endpoint."""

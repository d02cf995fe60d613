"""The pieces of the LLM interviewer and grader that need no network: prompts, output
schemas, evidence checks, injection handling, context budgets, retries and spend.

`interviewer.models.llm` puts them together with the `openai` client.
"""

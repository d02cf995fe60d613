"""Coaching over weeks: a candidate's graded attempts, their trends, the spaced-repetition
choice of what to practise next, and the comparison of two attempts at one question.

Pure functions over plain data, apart from `overview.for_owner`, which reads the store.
"""

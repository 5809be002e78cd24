"""The law as code: the rules engine and the impact-assessment questionnaire."""

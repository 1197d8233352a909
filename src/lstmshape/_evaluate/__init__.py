"""Evaluation: splits and folds by target rows, forecasts past the end, scores."""

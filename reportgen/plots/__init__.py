"""The figures of the HW3 questions: training curves and confusion matrices (matplotlib, PNG)."""

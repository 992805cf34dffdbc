"""The reconcile pass: observe each manager's calendar, plan with ``scheduler``, apply.

It is the one package that joins the Google adapter, the state file and email.
"""

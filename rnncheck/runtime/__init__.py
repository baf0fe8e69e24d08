"""rnncheck's runtime half: checks on live RNN calls. Importing it imports torch.

`reference` is imported here so that `rnncheck.reference` names the module.
"""

from rnncheck.runtime import reference

__all__ = ["reference"]

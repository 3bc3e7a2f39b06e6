# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""A plug-in's manifest and config documents: the schema (:mod:`.schema`), the validator
(:mod:`.validate`), running the plug-in's own ``--manifest``/``--config-*`` flags
(:mod:`.probe`) and keeping the files in step with the code (:mod:`.sync`, :mod:`.config`)."""

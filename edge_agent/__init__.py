"""The FaceGov edge agent: runs on the device, without Django.

It enrols and recognises locally with the platform's own engine (`recognition.engine`), keeps
its gallery in a file sealed with its own key (`recognition.vault.crypto`), and talks to the
platform only through the signed protocol of `recognition.edge_protocol`: the policy gate's
permits before each enrolment, orders it executes and acknowledges, and its hash-chained log.
"""

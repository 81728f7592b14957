"""The api wrappers at their edges: what is sent to Nova and Placement
(method, URL, microversion, body) and what comes back to the caller when an
answer lacks a part."""

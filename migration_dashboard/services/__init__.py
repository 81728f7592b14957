"""What the panels do with the APIs, without rendering anything.

Each module joins api/ calls with the pure rules of core/ for one subject:
the facts a move is checked against (gather), the bounded submission of
one call per instance (submit), a host drain (drain, drain_tracking), an
evacuation (evacuation) and the Migrations panel's rows (migrations).
They may read the request (the user's session and settings) but render no
template: views, forms and tables in content/ turn their results into
pages.
"""

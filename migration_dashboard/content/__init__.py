# Every panel imports this package first: core's messages are translated
# from then on (see translation.py).
from migration_dashboard.content.translation import install

install()

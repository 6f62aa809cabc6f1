"""``python -m zhrepair.spark INPUT OUTPUT``: the job of :mod:`zhrepair.spark.job`."""

import sys

from zhrepair.spark.job import main

sys.exit(main())

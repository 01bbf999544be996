"""EU de minimis aid: recorded per grant decision, summed over a rolling three years across the installation."""

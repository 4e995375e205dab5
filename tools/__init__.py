"""Developer tools: bootstrap helpers, the demo, screenshots, pack building, app drivers."""

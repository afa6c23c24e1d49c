"""ceasefire-sim: would this ceasefire hold?"""

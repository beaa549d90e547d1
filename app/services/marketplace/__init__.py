"""The marketplace: challenges and solutions (create, edit, publish), saved challenges, search and public lists."""

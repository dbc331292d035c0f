"""Pure, typed figure builders and layout helpers shared by the pages."""

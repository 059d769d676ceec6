"""The clerk's desk (`vanban serve`): receive, check and correct letters, keep the incoming register, explore
the citation graph; a JSON API under /api/ for the same things."""

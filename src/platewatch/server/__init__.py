"""Operations server: FastAPI app, database, governance of the general order."""

"""The phrase bank: message texts as data, one CSV per register (stage,text)."""

"""Detection: red flags as readable SQL files run over the lake, and the alerts they raise."""

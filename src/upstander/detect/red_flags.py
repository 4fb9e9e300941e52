"""The red flags of the counter-corruption guidance (docs: ../shared/DESIGN.md), by the number detectors carry,
in the words a page shows. Red flag 13 is the amplifiers: context, not misconduct in itself."""

from __future__ import annotations

RED_FLAGS: dict[int, str] = {
    1: "Contact after the policing purpose ended",
    2: "Communication far above role peers",
    3: "Dwelling near a member of the public's home",
    4: "Record look-ups with no policing purpose",
    5: "Records deleted or disposed of for associates",
    6: "Radio silence or unaccounted time on duty",
    7: "Complaints and intelligence accumulating",
    8: "Sexualised behaviour towards colleagues",
    9: "A declared partner or associate in police records",
    10: "Contact with people known for criminality",
    11: "Service that looks excessive",
    12: "Message content",
    13: "Amplifiers (vetting, training, integrity review)",
}


def red_flag_words(number: int) -> str:
    """"4: Record look-ups with no policing purpose"; a number the guidance does not have is shown as it is."""
    name = RED_FLAGS.get(int(number))
    return f"{number}: {name}" if name else str(number)

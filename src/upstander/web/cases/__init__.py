"""Cases: cases opened from alerts, reports and intelligence, worked to outcome and learning."""

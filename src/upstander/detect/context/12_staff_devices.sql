-- Handsets and terminals issued to each member of staff (MDT positions carry the device id).
SELECT staff_id, device_id FROM (SELECT staff_id, unnest(device_ids) AS device_id FROM staff)

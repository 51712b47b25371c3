-- Signed pins. When a release manager pins a fleet or a device to a release, the server signs a
-- pin document (fleet, device or none, release sequence and digest, pin time and user) and keeps
-- its DSSE envelope as JSON beside the pin. Devices receive it inside their signed target state,
-- where it allows a deliberate move to an older release. A change of the pin replaces it; a pin
-- the server could not sign, and every target that is not a pin, has NULL.
ALTER TABLE fleet ADD COLUMN target_pin_envelope TEXT;
ALTER TABLE device ADD COLUMN pin_envelope TEXT;

def pre_init_hook(env):
    """Give partners that exist before the install their real registrant.

    Creating the ownership columns here, filled from ``create_uid`` and
    ``create_date`` in one set-based UPDATE, keeps the ORM from stamping every
    existing partner with the installing user and the install time.
    """
    env.cr.execute(
        """
        ALTER TABLE res_partner
            ADD COLUMN IF NOT EXISTS registered_by_id int4,
            ADD COLUMN IF NOT EXISTS registered_date timestamp;
        UPDATE res_partner
           SET registered_by_id = create_uid,
               registered_date = COALESCE(create_date, now() at time zone 'UTC')
         WHERE registered_by_id IS NULL;
        """
    )

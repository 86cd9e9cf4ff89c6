// Generated from /openapi.json by `npm run console:api`; do not edit.
export interface paths {
    "/.well-known/jwks.json": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The public key of the service's token signing key (404 when it signs with an HS256 secret) */
        get: operations["GET-oauth-jwks"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/customer-segment/{tenant}/api-clients": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The tenant's API clients, oldest first (no secrets) */
        get: operations["GET-customer-segment-list-api-clients"];
        put?: never;
        /** Create an API client; the response holds its secret, shown only this once */
        post: operations["POST-customer-segment-create-api-client"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/customer-segment/{tenant}/api-clients/{clientId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Read an API client (no secret) */
        get: operations["GET-customer-segment-retrieve-api-client"];
        put?: never;
        post?: never;
        /** Revoke an API client: its secrets stop working at once (404 when the tenant has no such client) */
        delete: operations["DELETE-customer-segment-revoke-api-client"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/customer-segment/{tenant}/api-clients/{clientId}/rotate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Give the client a new secret (shown only this once); the previous one stops working at once, or after graceSeconds */
        post: operations["POST-customer-segment-rotate-api-client-secret"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/customer-segment/{tenant}/directory/categories": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Upsert categories (each entry replaces the stored one) */
        put: operations["PUT-customer-segment-upsert-directory-categories"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/customer-segment/{tenant}/directory/categories/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Read one of the categories */
        get: operations["GET-customer-segment-retrieve-directory-categories"];
        put?: never;
        post?: never;
        /** Delete one of the categories (204 also when absent) */
        delete: operations["DELETE-customer-segment-remove-directory-categories"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/customer-segment/{tenant}/directory/customers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Upsert customers (each entry replaces the stored one) */
        put: operations["PUT-customer-segment-upsert-directory-customers"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/customer-segment/{tenant}/directory/customers/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Read one of the customers */
        get: operations["GET-customer-segment-retrieve-directory-customers"];
        put?: never;
        post?: never;
        /** Delete one of the customers (204 also when absent) */
        delete: operations["DELETE-customer-segment-remove-directory-customers"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/customer-segment/{tenant}/directory/legal-entities": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Upsert legal-entities (each entry replaces the stored one) */
        put: operations["PUT-customer-segment-upsert-directory-legal-entities"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/customer-segment/{tenant}/directory/legal-entities/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Read one of the legal-entities */
        get: operations["GET-customer-segment-retrieve-directory-legal-entities"];
        put?: never;
        post?: never;
        /** Delete one of the legal-entities (204 also when absent) */
        delete: operations["DELETE-customer-segment-remove-directory-legal-entities"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/customer-segment/{tenant}/directory/products": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Upsert products (each entry replaces the stored one) */
        put: operations["PUT-customer-segment-upsert-directory-products"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/customer-segment/{tenant}/directory/products/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Read one of the products */
        get: operations["GET-customer-segment-retrieve-directory-products"];
        put?: never;
        post?: never;
        /** Delete one of the products (204 also when absent) */
        delete: operations["DELETE-customer-segment-remove-directory-products"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/customer-segment/{tenant}/segments": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List segments */
        get: operations["GET-customer-segment-retrieve-segments"];
        put?: never;
        /** Create a segment */
        post: operations["POST-customer-segment-create-segment"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/customer-segment/{tenant}/segments/{segmentId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Read a segment */
        get: operations["GET-customer-segment-retrieve-segment"];
        /** Upsert a segment */
        put: operations["PUT-customer-segment-update-segment"];
        post?: never;
        /** Delete a segment */
        delete: operations["DELETE-customer-segment-remove-segment"];
        options?: never;
        head?: never;
        /** Patch a segment (RFC 6902) */
        patch: operations["PATCH-customer-segment-update-segment"];
        trace?: never;
    };
    "/customer-segment/{tenant}/segments/{segmentId}/customers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List a segment’s customer assignments */
        get: operations["GET-customer-segment-retrieve-customers"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/customer-segment/{tenant}/segments/{segmentId}/customers/{customerId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** [B2C] Read a customer assignment */
        get: operations["GET-customer-segment-retrieve-customer-by-customerId"];
        /** [B2C] Upsert a customer assignment */
        put: operations["PUT-customer-segment-update-customer-by-customerId"];
        post?: never;
        /** [B2C] Remove a customer from a segment (409 for an AUTOMATIC assignment, which the segment's rule manages) */
        delete: operations["DELETE-customer-segment-remove-customer-by-customerId"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/customer-segment/{tenant}/segments/{segmentId}/customers/{customerId}/{legalEntityId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** [B2B] Read a customer assignment */
        get: operations["GET-customer-segment-retrieve-customer"];
        /** [B2B] Upsert a customer assignment */
        put: operations["PUT-customer-segment-update-customer"];
        post?: never;
        /** [B2B] Remove a customer from a segment (409 for an AUTOMATIC assignment, which the segment's rule manages) */
        delete: operations["DELETE-customer-segment-remove-customer"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/customer-segment/{tenant}/segments/{segmentId}/customers/bulk": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Upsert customer assignments in bulk */
        put: operations["PUT-customer-segment-update-customers-bulk"];
        post?: never;
        /** Remove customers from a segment in bulk */
        delete: operations["DELETE-customer-segment-remove-customers-bulk"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/customer-segment/{tenant}/segments/{segmentId}/customers/search": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Search a segment’s customer assignments */
        post: operations["POST-customer-segment-search-customers"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/customer-segment/{tenant}/segments/{segmentId}/items": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List a segment’s item assignments */
        get: operations["GET-customer-segment-retrieve-segment-items"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/customer-segment/{tenant}/segments/{segmentId}/items/{type}/{itemId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Read an item assignment */
        get: operations["GET-customer-segment-retrieve-item"];
        /** Upsert an item assignment */
        put: operations["PUT-customer-segment-update-item"];
        post?: never;
        /** Remove an item assignment */
        delete: operations["DELETE-customer-segment-remove-item"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/customer-segment/{tenant}/segments/{segmentId}/items/{type}/bulk": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Upsert item assignments in bulk */
        put: operations["PUT-customer-segment-update-items-bulk"];
        post?: never;
        /** Remove item assignments in bulk */
        delete: operations["DELETE-customer-segment-remove-items-bulk"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/customer-segment/{tenant}/segments/{segmentId}/items/search": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Search a segment’s item assignments */
        post: operations["POST-customer-segment-search-items"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/customer-segment/{tenant}/segments/{segmentId}/rule": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Read a segment's rule and the progress of its evaluation */
        get: operations["GET-customer-segment-retrieve-rule"];
        /** Create or change a segment's rule: its membership is evaluated over the directory in the background, then kept current */
        put: operations["PUT-customer-segment-upsert-rule"];
        post?: never;
        /** Remove a segment's rule (204 also when it has none); its automatic assignments are removed in the background */
        delete: operations["DELETE-customer-segment-remove-rule"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/customer-segment/{tenant}/segments/bulk": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Upsert segments in bulk */
        put: operations["PUT-customer-segment-update-segments-bulk"];
        /** Create segments in bulk */
        post: operations["POST-customer-segment-create-segments-bulk"];
        /** Delete segments in bulk */
        delete: operations["DELETE-customer-segment-remove-segments-bulk"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/customer-segment/{tenant}/segments/items": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List item assignments across segments */
        get: operations["GET-customer-segment-retrieve-segments-items"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/customer-segment/{tenant}/segments/items/category-trees": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Category trees of the categories assigned to effective segments */
        get: operations["GET-customer-segment-retrieve-category-trees"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/customer-segment/{tenant}/segments/match": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Which products belong to segments, directly or through a category */
        post: operations["POST-customer-segment-check-match"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/customer-segment/{tenant}/segments/rule-preview": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Preview a rule: how many directory customers it selects, out of how many, and a sample */
        post: operations["POST-customer-segment-preview-rule"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/customer-segment/{tenant}/segments/search": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Search segments */
        post: operations["POST-customer-segment-search-segments"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Liveness: the process answers */
        get: operations["GET-health"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/oauth/token": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Request a service access token (client credentials grant)
         * @description Authenticate with HTTP Basic (client id and secret) or with client_id and client_secret in the form. The token is for the client's tenant, with its scopes or those of them named in `scope`. There are no refresh tokens: ask for a new token when one expires.
         */
        post: operations["POST-oauth-request-client-credentials"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/ready": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Readiness: the database answers (503 while it does not) */
        get: operations["GET-ready"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/webhook/{tenant}/config": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List webhook configs */
        get: operations["GET-webhook-list-configs"];
        put?: never;
        /** Create the webhook config */
        post: operations["POST-webhook-create-config"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/webhook/{tenant}/config/{code}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Read a webhook config */
        get: operations["GET-webhook-retrieve-config"];
        /** Replace a webhook config */
        put: operations["PUT-webhook-update-config"];
        post?: never;
        /** Delete a webhook config (an active one needs force=true) */
        delete: operations["DELETE-webhook-remove-config"];
        options?: never;
        head?: never;
        /** Patch a webhook config (UPSERT / REMOVE by path) */
        patch: operations["PATCH-webhook-update-config"];
        trace?: never;
    };
    "/webhook/{tenant}/dashboard-access": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A one-time link to the webhook portal, and a token for its API */
        get: operations["GET-webhook-access-tenant-svix"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/webhook/{tenant}/deliveries/{deliveryId}/attempts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Read a delivery's attempts, oldest first */
        get: operations["GET-webhook-list-delivery-attempts"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/webhook/{tenant}/deliveries/resend": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Resend the deliveries a filter chooses
         * @description Every delivery of the tenant matching all the given filters becomes pending and due now, with a fresh retry schedule, in one statement. Deliveries being sent right now and deliveries to a disabled target are left alone. Answers how many were resent.
         */
        post: operations["POST-webhook-resend-deliveries"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/webhook/{tenant}/event-subscriptions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Read the event catalogue with the subscription to each event
         * @description With Accept-Language, each text is a map holding only the best available language (the default language, else English, when none matches).
         */
        get: operations["GET-webhook-list-all-event-subscriptions"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Subscribe to or unsubscribe from events, and choose their fields
         * @description One result per item, in order: 200, 400 (bad fields), 404 (unknown event type) or 409 (missing or stale metadata.version). Items are applied one by one.
         */
        patch: operations["PATCH-webhook-manage-event-subscriptions"];
        trace?: never;
    };
    "/webhook/{tenant}/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Read the event log */
        get: operations["GET-webhook-list-events"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/webhook/{tenant}/events/{eventId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Read one event with its deliveries */
        get: operations["GET-webhook-retrieve-event"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/webhook/{tenant}/events/{eventId}/resend": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Resend one event to one target now
         * @description The delivery for that target becomes pending and due now, with a fresh retry schedule; one is made when the event never had one. 409 while the target is disabled or inactive.
         */
        post: operations["POST-webhook-resend-event"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/webhook/{tenant}/filter-check": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Try a filter against a sample payload (saves nothing) */
        post: operations["POST-webhook-check-filter"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/webhook/{tenant}/portal/endpoints": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List the SVIX_SHARED endpoints */
        get: operations["GET-webhook-list-portal-endpoints"];
        put?: never;
        /** Add an SVIX_SHARED endpoint */
        post: operations["POST-webhook-create-portal-endpoint"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/webhook/{tenant}/portal/endpoints/{endpointId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Read an SVIX_SHARED endpoint */
        get: operations["GET-webhook-retrieve-portal-endpoint"];
        put?: never;
        post?: never;
        /** Remove an SVIX_SHARED endpoint */
        delete: operations["DELETE-webhook-remove-portal-endpoint"];
        options?: never;
        head?: never;
        /** Change an SVIX_SHARED endpoint (the fields sent) */
        patch: operations["PATCH-webhook-update-portal-endpoint"];
        trace?: never;
    };
    "/webhook/{tenant}/portal/endpoints/{endpointId}/secret": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Reveal an endpoint's signing secret */
        get: operations["GET-webhook-reveal-portal-endpoint-secret"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/webhook/{tenant}/portal/endpoints/{endpointId}/secret/rotate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Replace an endpoint's secret (the old one still signs for WEBHOOK_SECRET_GRACE_HOURS) */
        post: operations["POST-webhook-rotate-portal-endpoint-secret"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/webhook/{tenant}/statistics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Successful deliveries per month
         * @description Months are UTC calendar months, `YYYY-MM`. Without `toYearMonth`, up to the current month; without `fromYearMonth`, only `toYearMonth`.
         */
        get: operations["GET-webhook-retrieve-statistics"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/webhook/{tenant}/targets": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List the delivery targets with their state and backlog */
        get: operations["GET-webhook-list-targets"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/webhook/{tenant}/targets/{configCode}/{targetId}/enable": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Re-enable a disabled target
         * @description Clears the disabled state and the failure clock. Failed deliveries stay failed; recover them to retry.
         */
        post: operations["POST-webhook-enable-target"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/webhook/{tenant}/targets/{configCode}/{targetId}/recover": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Send again what a target has not received since a time
         * @description Every delivery of the target created at or after `since` that has not arrived (failed, or waiting for a retry) becomes pending and due now, with a fresh retry schedule. Delivered ones and ones being sent are left alone.
         */
        post: operations["POST-webhook-recover-target"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/webhook/{tenant}/targets/{configCode}/{targetId}/test": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Send a signed test event to a target now
         * @description The request is signed and addressed as the target's deliveries are, with type `webhook.test`; it is not published and not in the delivery log.
         */
        post: operations["POST-webhook-test-target"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export interface webhooks {
    "customer-segment.customer-assignment-created": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Customer assignment created
         * @description Delivered as the bare payload, signed in `emporix-event-signature` and Standard Webhooks headers, with CloudEvents `ce-type: customer-segment.customer-assignment-created`.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        assignmentType: "MANUAL" | "AUTOMATIC";
                        customer: {
                            email?: string;
                            firstName?: string;
                            id: string;
                            lastName?: string;
                        };
                        legalEntity?: {
                            id: string;
                            name?: string;
                        };
                        metadata: {
                            /** Format: date-time */
                            createdAt: string;
                            mixins?: {
                                [key: string]: string;
                            };
                            /** Format: date-time */
                            modifiedAt: string;
                            version: number;
                        };
                        mixins?: {
                            [key: string]: unknown;
                        };
                        segmentId: string;
                        tenant: string;
                    };
                };
            };
            responses: {
                /** @description Any 2xx acknowledges the event. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "customer-segment.customer-assignment-deleted": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Customer assignment deleted
         * @description Delivered as the bare payload, signed in `emporix-event-signature` and Standard Webhooks headers, with CloudEvents `ce-type: customer-segment.customer-assignment-deleted`.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description What the removed assignment was: AUTOMATIC ones are made and removed by the segment's rule */
                        assignmentType?: "MANUAL" | "AUTOMATIC";
                        customerId: string;
                        legalEntityId?: string;
                        segmentId: string;
                        tenant: string;
                    };
                };
            };
            responses: {
                /** @description Any 2xx acknowledges the event. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "customer-segment.customer-assignment-updated": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Customer assignment updated
         * @description Delivered as the bare payload, signed in `emporix-event-signature` and Standard Webhooks headers, with CloudEvents `ce-type: customer-segment.customer-assignment-updated`.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        assignmentType: "MANUAL" | "AUTOMATIC";
                        customer: {
                            email?: string;
                            firstName?: string;
                            id: string;
                            lastName?: string;
                        };
                        legalEntity?: {
                            id: string;
                            name?: string;
                        };
                        metadata: {
                            /** Format: date-time */
                            createdAt: string;
                            mixins?: {
                                [key: string]: string;
                            };
                            /** Format: date-time */
                            modifiedAt: string;
                            version: number;
                        };
                        mixins?: {
                            [key: string]: unknown;
                        };
                        segmentId: string;
                        tenant: string;
                    };
                };
            };
            responses: {
                /** @description Any 2xx acknowledges the event. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "customer-segment.item-assignment-created": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Item assignment created
         * @description Delivered as the bare payload, signed in `emporix-event-signature` and Standard Webhooks headers, with CloudEvents `ce-type: customer-segment.item-assignment-created`.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        item: {
                            code?: string;
                            id: string;
                            name?: {
                                [key: string]: string;
                            };
                        };
                        metadata: {
                            /** Format: date-time */
                            createdAt: string;
                            mixins?: {
                                [key: string]: string;
                            };
                            /** Format: date-time */
                            modifiedAt: string;
                            version: number;
                        };
                        mixins?: {
                            [key: string]: unknown;
                        };
                        segmentId: string;
                        tenant: string;
                        type: "PRODUCT" | "CATEGORY";
                    };
                };
            };
            responses: {
                /** @description Any 2xx acknowledges the event. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "customer-segment.item-assignment-deleted": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Item assignment deleted
         * @description Delivered as the bare payload, signed in `emporix-event-signature` and Standard Webhooks headers, with CloudEvents `ce-type: customer-segment.item-assignment-deleted`.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        itemId: string;
                        segmentId: string;
                        tenant: string;
                        type: "PRODUCT" | "CATEGORY";
                    };
                };
            };
            responses: {
                /** @description Any 2xx acknowledges the event. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "customer-segment.item-assignment-updated": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Item assignment updated
         * @description Delivered as the bare payload, signed in `emporix-event-signature` and Standard Webhooks headers, with CloudEvents `ce-type: customer-segment.item-assignment-updated`.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        item: {
                            code?: string;
                            id: string;
                            name?: {
                                [key: string]: string;
                            };
                        };
                        metadata: {
                            /** Format: date-time */
                            createdAt: string;
                            mixins?: {
                                [key: string]: string;
                            };
                            /** Format: date-time */
                            modifiedAt: string;
                            version: number;
                        };
                        mixins?: {
                            [key: string]: unknown;
                        };
                        segmentId: string;
                        tenant: string;
                        type: "PRODUCT" | "CATEGORY";
                    };
                };
            };
            responses: {
                /** @description Any 2xx acknowledges the event. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "customer-segment.segment-created": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Segment created
         * @description Delivered as the bare payload, signed in `emporix-event-signature` and Standard Webhooks headers, with CloudEvents `ce-type: customer-segment.segment-created`.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        description?: {
                            [key: string]: string;
                        };
                        id: string;
                        metadata: {
                            /** Format: date-time */
                            createdAt: string;
                            mixins?: {
                                [key: string]: string;
                            };
                            /** Format: date-time */
                            modifiedAt: string;
                            version: number;
                        };
                        name: {
                            [key: string]: string;
                        };
                        siteCode: string;
                        status: "ACTIVE" | "INACTIVE";
                        tenant: string;
                        validity?: {
                            /** Format: date-time */
                            from?: string;
                            /** Format: date-time */
                            to?: string;
                        };
                    };
                };
            };
            responses: {
                /** @description Any 2xx acknowledges the event. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "customer-segment.segment-deleted": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Segment deleted
         * @description Delivered as the bare payload, signed in `emporix-event-signature` and Standard Webhooks headers, with CloudEvents `ce-type: customer-segment.segment-deleted`.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        id: string;
                        tenant: string;
                    };
                };
            };
            responses: {
                /** @description Any 2xx acknowledges the event. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "customer-segment.segment-updated": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Segment updated
         * @description Delivered as the bare payload, signed in `emporix-event-signature` and Standard Webhooks headers, with CloudEvents `ce-type: customer-segment.segment-updated`.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        description?: {
                            [key: string]: string;
                        };
                        id: string;
                        metadata: {
                            /** Format: date-time */
                            createdAt: string;
                            mixins?: {
                                [key: string]: string;
                            };
                            /** Format: date-time */
                            modifiedAt: string;
                            version: number;
                        };
                        mixins?: {
                            [key: string]: unknown;
                        };
                        name: {
                            [key: string]: string;
                        };
                        previousStatus: "ACTIVE" | "INACTIVE";
                        siteCode: string;
                        status: "ACTIVE" | "INACTIVE";
                        tenant: string;
                        validity?: {
                            /** Format: date-time */
                            from?: string;
                            /** Format: date-time */
                            to?: string;
                        };
                    };
                };
            };
            responses: {
                /** @description Any 2xx acknowledges the event. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export interface components {
    schemas: {
        /** ApiClient */
        ApiClient: {
            /** @description 32 lowercase hex characters */
            clientId: string;
            /** Format: date-time */
            createdAt: string;
            /**
             * Format: date-time
             * @description The last token request, to within a minute
             */
            lastUsedAt?: string;
            name?: string;
            /**
             * Format: date-time
             * @description Until then the previous secret works too
             */
            previousSecretExpiresAt?: string;
            scopes: string[];
            /** Format: date-time */
            secretRotatedAt?: string;
        };
        /** ApiClientCreation */
        ApiClientCreation: {
            /** @description What the client is for, for people reading the list */
            name?: string;
            scopes: ("customersegment.segment_manage" | "customersegment.segment_read" | "webhook.subscription_manage" | "webhook.subscription_read" | "customersegment.client_manage")[];
        };
        /** ApiClientRotation */
        ApiClientRotation: {
            /** @description How long the previous secret keeps working (default 0: it stops at once) */
            graceSeconds?: number;
        };
        /** ApiClientWithSecret */
        ApiClientWithSecret: {
            /** @description 32 lowercase hex characters */
            clientId: string;
            /** @description Shown only now; only its hash is stored */
            clientSecret: string;
            /** Format: date-time */
            createdAt: string;
            /**
             * Format: date-time
             * @description The last token request, to within a minute
             */
            lastUsedAt?: string;
            name?: string;
            /**
             * Format: date-time
             * @description Until then the previous secret works too
             */
            previousSecretExpiresAt?: string;
            scopes: string[];
            /** Format: date-time */
            secretRotatedAt?: string;
        };
        /** BulkResult */
        BulkResult: {
            code: number;
            id?: string;
            index: number;
            message?: string;
            status: string;
        };
        /** Created */
        Created: {
            id: string;
        };
        /** CreatedWebhookConfig */
        CreatedWebhookConfig: {
            code: string;
        };
        /** CustomerAssignment */
        CustomerAssignment: {
            assignmentType?: "MANUAL" | "AUTOMATIC";
            customer?: {
                email?: string;
                firstName?: string;
                id?: string;
                lastName?: string;
            };
            legalEntity?: {
                id?: string;
                name?: string;
            };
            metadata?: {
                /** Format: date-time */
                createdAt?: string;
                mixins?: {
                    [key: string]: string;
                };
                /** Format: date-time */
                modifiedAt?: string;
                version?: number;
            };
            mixins?: {
                [key: string]: unknown;
            };
        };
        /** CustomerAssignmentUpdate */
        CustomerAssignmentUpdate: {
            assignmentType?: "MANUAL" | "AUTOMATIC";
            customer?: {
                /**
                 * @description A JSON object of strings, numbers, booleans, RFC 3339 date-times and nested objects; keys of letters, digits, '_', '$' or '-'; at most 8 levels and 16384 bytes
                 * @example {
                 *       "tier": "gold",
                 *       "lifetimeValue": 1250.5,
                 *       "newsletter": true,
                 *       "lastOrderAt": "2026-05-18T07:27:27Z",
                 *       "address": {
                 *         "country": "DE"
                 *       }
                 *     }
                 */
                attributes?: {
                    [key: string]: unknown;
                };
                email?: string;
                firstName?: string;
                id?: string;
                lastName?: string;
                /** @description The legal entities the customer buys for */
                legalEntityIds?: string[];
                tags?: string[];
            };
            legalEntity?: {
                /**
                 * @description A JSON object of strings, numbers, booleans, RFC 3339 date-times and nested objects; keys of letters, digits, '_', '$' or '-'; at most 8 levels and 16384 bytes
                 * @example {
                 *       "tier": "gold",
                 *       "lifetimeValue": 1250.5,
                 *       "newsletter": true,
                 *       "lastOrderAt": "2026-05-18T07:27:27Z",
                 *       "address": {
                 *         "country": "DE"
                 *       }
                 *     }
                 */
                attributes?: {
                    [key: string]: unknown;
                };
                id?: string;
                name?: string;
            };
            metadata?: {
                /** Format: date-time */
                createdAt?: string;
                mixins?: {
                    [key: string]: string;
                };
                /** Format: date-time */
                modifiedAt?: string;
                version?: number;
            };
            mixins?: {
                [key: string]: unknown;
            };
        };
        /** Delivery */
        Delivery: {
            attempts: number;
            configCode: string;
            finishedAt: string | null;
            /** @description The delivery id, for its attempt log. */
            id: number;
            lastError: string | null;
            lastStatus: number | null;
            nextAttemptAt: string | null;
            state: "pending" | "delivered" | "failed";
            /** @description `default` for the config's own destinationUrl, else the eventsConfiguration entry id. */
            targetId: string;
        };
        /** DeliveryAttempt */
        DeliveryAttempt: {
            attempt: number;
            durationMs: number | null;
            error: string | null;
            requestHeaders: {
                [key: string]: string;
            } | null;
            responseExcerpt: string | null;
            /** Format: date-time */
            startedAt: string;
            status: number | null;
        };
        /** DeliveryTarget */
        DeliveryTarget: {
            /** @description The config and the entry are active and there is a URL. */
            active: boolean;
            configCode: string;
            /** @description False for a target that left the config but still has deliveries. */
            configured: boolean;
            /** @description The engine stopped delivering (410 Gone, or 5 days of failures). */
            disabled: boolean;
            disabledAt: string | null;
            disabledReason: string | null;
            eventType: string | null;
            failedDeliveries: number;
            failingSince: string | null;
            name?: string;
            pendingDeliveries: number;
            targetId: string;
            url: string | null;
        };
        /** DirectoryCategory */
        DirectoryCategory: {
            code?: string;
            description?: {
                [key: string]: string;
            };
            ecn?: string[];
            id: string;
            name?: {
                [key: string]: string;
            };
            parentId?: string;
            position?: number;
            published?: boolean;
            slug?: {
                [key: string]: string;
            };
            validity?: {
                /** Format: date-time */
                from?: string;
                /** Format: date-time */
                to?: string;
            };
        };
        /** DirectoryCustomer */
        DirectoryCustomer: {
            /**
             * @description A JSON object of strings, numbers, booleans, RFC 3339 date-times and nested objects; keys of letters, digits, '_', '$' or '-'; at most 8 levels and 16384 bytes
             * @example {
             *       "tier": "gold",
             *       "lifetimeValue": 1250.5,
             *       "newsletter": true,
             *       "lastOrderAt": "2026-05-18T07:27:27Z",
             *       "address": {
             *         "country": "DE"
             *       }
             *     }
             */
            attributes?: {
                [key: string]: unknown;
            };
            email?: string;
            firstName?: string;
            id: string;
            lastName?: string;
            /** @description The legal entities the customer buys for */
            legalEntityIds?: string[];
            tags?: string[];
        };
        /** DirectoryLegalEntity */
        DirectoryLegalEntity: {
            /**
             * @description A JSON object of strings, numbers, booleans, RFC 3339 date-times and nested objects; keys of letters, digits, '_', '$' or '-'; at most 8 levels and 16384 bytes
             * @example {
             *       "tier": "gold",
             *       "lifetimeValue": 1250.5,
             *       "newsletter": true,
             *       "lastOrderAt": "2026-05-18T07:27:27Z",
             *       "address": {
             *         "country": "DE"
             *       }
             *     }
             */
            attributes?: {
                [key: string]: unknown;
            };
            id: string;
            name?: string;
        };
        /** DirectoryProduct */
        DirectoryProduct: {
            categoryIds?: string[];
            code?: string;
            id: string;
            name?: {
                [key: string]: string;
            };
        };
        /**
         * Error
         * @description Error
         */
        Error: {
            code: number;
            details?: {
                [key: string]: unknown;
            };
            fault?: {
                [key: string]: unknown;
            };
            message: string;
            resourceId?: string;
            status: string;
        };
        /** Event */
        Event: {
            /** @description One per target the event went to (or was resent to), oldest first. */
            deliveries: components["schemas"]["Delivery"][];
            /** Format: uuid */
            id: string;
            payload: {
                [key: string]: unknown;
            };
            sequence: number;
            subject: string;
            /** Format: date-time */
            time: string;
            type: string;
        };
        /** EventSubscription */
        EventSubscription: {
            event: {
                /** @description Language code → text. */
                description: {
                    [key: string]: string;
                };
                /** @description Top-level payload field → its kind (String, LocalizedString, Map, Object, …). */
                eventSchema: {
                    [key: string]: string;
                };
                /** @description Language code → text. */
                group: {
                    [key: string]: string;
                };
                /** @description Language code → text. */
                name: {
                    [key: string]: string;
                };
                type: string;
            };
            /** @description Top-level payload fields left out of deliveries. */
            excludedFields: string[];
            /** @description Empty for an event type that was never subscribed. */
            metadata: {
                /** Format: date-time */
                createdAt?: string;
                /** Format: date-time */
                modifiedAt?: string;
                version?: number;
            };
            subscription: "SUBSCRIBED" | "UNSUBSCRIBED" | "NONE";
        };
        /** EventSubscriptionChange */
        EventSubscriptionChange: {
            action?: "SUBSCRIBE" | "UNSUBSCRIBE";
            /** @description An event type of the catalogue, in any case. */
            eventType: string;
            /** @description Fields left out before, to deliver again. */
            fieldsToSubscribe?: string[];
            /** @description Top-level payload fields to leave out of deliveries. */
            fieldsToUnsubscribe?: string[];
            /** @description The latest version read; for an event type never subscribed, none or 1. */
            metadata?: {
                version?: number;
            };
        };
        /** EventSubscriptionResult */
        EventSubscriptionResult: {
            code: number;
            eventType: string;
            message?: string;
            status: string;
        };
        /** ItemAssignment */
        ItemAssignment: {
            item?: {
                code?: string;
                id?: string;
                name?: {
                    [key: string]: string;
                };
            };
            metadata?: {
                /** Format: date-time */
                createdAt?: string;
                mixins?: {
                    [key: string]: string;
                };
                /** Format: date-time */
                modifiedAt?: string;
                version?: number;
            };
            mixins?: {
                [key: string]: unknown;
            };
            segmentId?: string;
            type?: "PRODUCT" | "CATEGORY";
        };
        /** ItemAssignmentUpdate */
        ItemAssignmentUpdate: {
            item?: {
                code?: string;
                id?: string;
                name?: {
                    [key: string]: string;
                };
            };
            metadata?: {
                /** Format: date-time */
                createdAt?: string;
                mixins?: {
                    [key: string]: string;
                };
                /** Format: date-time */
                modifiedAt?: string;
                version?: number;
            };
            mixins?: {
                [key: string]: unknown;
            };
            segmentId?: string;
            type?: "PRODUCT" | "CATEGORY";
        };
        /** JsonPatchOperation */
        JsonPatchOperation: {
            from?: string;
            op: "add" | "remove" | "replace" | "test" | "move" | "copy";
            path: string;
            value?: unknown;
        };
        /** PortalEndpoint */
        PortalEndpoint: {
            /** Format: date-time */
            createdAt: string;
            description: string;
            disabled: boolean;
            eventTypes: string[] | null;
            id: string;
            /** Format: date-time */
            modifiedAt: string;
            /** @description Passwords in the URL are masked. */
            url: string;
        };
        /** PortalEndpointChange */
        PortalEndpointChange: {
            description?: string;
            disabled?: boolean;
            /** @description The subscribed event types this endpoint receives; null or absent: all of them. */
            eventTypes?: string[] | null;
            /** @description An absolute http or https URL. It is not called on write. */
            url?: string;
        };
        /** PortalEndpointCreation */
        PortalEndpointCreation: {
            description?: string;
            disabled?: boolean;
            /** @description The subscribed event types this endpoint receives; null or absent: all of them. */
            eventTypes?: string[] | null;
            /** @description A Standard Webhooks secret: `whsec_` and base64 of 24 to 64 bytes. Generated when left out. */
            secret?: string;
            /** @description An absolute http or https URL. It is not called on write. */
            url: string;
        };
        /** PortalEndpointSecret */
        PortalEndpointSecret: {
            /** @description The current `whsec_` secret. */
            key: string;
        };
        /** RulePreview */
        RulePreview: {
            /** @description Customers (with b2b: customer and legal entity pairs) the rule selects */
            matching: number;
            /** @description The first 20 selected, by id */
            sample: {
                email?: string;
                firstName?: string;
                id: string;
                lastName?: string;
                legalEntityId?: string;
            }[];
            /** @description Customers (pairs) in the directory */
            total: number;
        };
        /** RulePreviewRequest */
        RulePreviewRequest: {
            /** @description true: evaluate per customer and each of its legalEntityIds, false (default): per customer */
            b2b?: boolean;
            /** @description The rule, e.g. `tags:wholesale AND attributes.lastOrderAt:>now-30d` */
            query: string;
        };
        /** SearchQuery */
        SearchQuery: {
            q?: string;
        };
        /** Segment */
        Segment: {
            description?: {
                [key: string]: string;
            };
            id: string;
            metadata?: {
                /** Format: date-time */
                createdAt?: string;
                mixins?: {
                    [key: string]: string;
                };
                /** Format: date-time */
                modifiedAt?: string;
                version?: number;
            };
            mixins?: {
                [key: string]: unknown;
            };
            name?: {
                [key: string]: string;
            };
            siteCode?: string;
            status?: "ACTIVE" | "INACTIVE";
            validity?: {
                /** Format: date-time */
                from?: string;
                /** Format: date-time */
                to?: string;
            };
        };
        /** SegmentCreation */
        SegmentCreation: {
            description?: string | {
                [key: string]: string;
            };
            id?: string;
            metadata?: {
                mixins?: {
                    [key: string]: string;
                };
            };
            mixins?: {
                [key: string]: unknown;
            };
            name: string | {
                [key: string]: string;
            };
            siteCode: string;
            status?: "ACTIVE" | "INACTIVE";
            validity?: {
                /** Format: date-time */
                from?: string;
                /** Format: date-time */
                to?: string;
            };
        };
        /** SegmentRule */
        SegmentRule: {
            /** @description true: evaluate per customer and each of its legalEntityIds, making B2B assignments; false (default): per customer, B2C */
            b2b: boolean;
            evaluation: {
                /** @description Automatic assignments this evaluation added */
                added: number;
                /** @description Why the last chunk failed; it is tried again after the other rules' chunks */
                error?: string;
                /** @description Directory customers evaluated so far */
                evaluated: number;
                /** Format: date-time */
                finishedAt?: string;
                /** @description Automatic assignments this evaluation removed */
                removed: number;
                /** Format: date-time */
                startedAt?: string;
                /** @description PENDING: queued; RUNNING: walking the directory; DONE: membership follows the rule */
                state: "PENDING" | "RUNNING" | "DONE";
                /** @description Directory customers when the evaluation started */
                total: number;
            };
            metadata: {
                /** Format: date-time */
                createdAt: string;
                /** Format: date-time */
                modifiedAt: string;
                version: number;
            };
            /** @description The rule, e.g. `tags:wholesale AND attributes.lastOrderAt:>now-30d` */
            query: string;
            /** @description The rule compares with now; it is evaluated again on a schedule (RULES_RELATIVE_INTERVAL_MINUTES) */
            relative: boolean;
        };
        /** SegmentRuleRequest */
        SegmentRuleRequest: {
            /** @description true: evaluate per customer and each of its legalEntityIds, making B2B assignments; false (default): per customer, B2C */
            b2b?: boolean;
            /** @description Read-only; ignored */
            evaluation?: unknown;
            metadata?: {
                /** Format: date-time */
                createdAt?: string;
                mixins?: {
                    [key: string]: string;
                };
                /** Format: date-time */
                modifiedAt?: string;
                version?: number;
            };
            /** @description The rule, e.g. `tags:wholesale AND attributes.lastOrderAt:>now-30d` */
            query: string;
            /** @description Read-only; ignored */
            relative?: boolean;
        };
        /** SegmentUpdate */
        SegmentUpdate: {
            description?: string | {
                [key: string]: string;
            };
            id?: string;
            metadata?: {
                /** Format: date-time */
                createdAt?: string;
                mixins?: {
                    [key: string]: string;
                };
                /** Format: date-time */
                modifiedAt?: string;
                version?: number;
            };
            mixins?: {
                [key: string]: unknown;
            };
            name: string | {
                [key: string]: string;
            };
            siteCode: string;
            status?: "ACTIVE" | "INACTIVE";
            validity?: {
                /** Format: date-time */
                from?: string;
                /** Format: date-time */
                to?: string;
            };
        };
        /** WebhookConfig */
        WebhookConfig: {
            active: boolean;
            code: string;
            configuration: {
                destinationUrl?: string;
                eventsConfiguration: {
                    active: boolean;
                    destinationUrl?: string;
                    eventType: string;
                    excludedFields: string[] | null;
                    filter?: string;
                    /** @description Extra request headers, `{ "<name>": { "value": "<v>" } }`, at most 10. */
                    headers?: {
                        [key: string]: {
                            value: string;
                        };
                    };
                    id: string;
                    name?: string;
                    secretKeyExists: boolean;
                }[];
                /** @description Extra request headers, `{ "<name>": { "value": "<v>" } }`, at most 10. */
                headers?: {
                    [key: string]: {
                        value: string;
                    };
                };
                secretKeyExists: boolean;
            } | Record<string, never>;
            provider: string;
        };
        /** WebhookConfigCreation */
        WebhookConfigCreation: {
            /** @description Defaults to true; an inactive config delivers nothing. */
            active?: boolean;
            /** @description The config's code: `http` for provider HTTP, `svix_shared` for SVIX_SHARED. */
            code: string;
            configuration?: {
                /** @description An absolute http or https URL. It is not called on write. */
                destinationUrl?: string;
                eventsConfiguration?: {
                    /** @description Defaults to true; an inactive entry receives nothing. */
                    active?: boolean;
                    /** @description An absolute http or https URL. It is not called on write. */
                    destinationUrl?: string;
                    /** @description One of the event types of the catalogue, in any case. */
                    eventType: string;
                    /** @description Top-level payload fields left out of deliveries to this entry. `null` or absent inherits the subscription; `[]` excludes nothing. */
                    excludedFields?: string[] | null;
                    /** @description An RFC 9535 JsonPath filter over the payload, e.g. `$[?(@.status == 'ACTIVE')]`; empty matches every event. */
                    filter?: string;
                    /** @description Extra request headers, `{ "<name>": { "value": "<v>" } }`, at most 10. */
                    headers?: {
                        [key: string]: {
                            value: string;
                        };
                    };
                    /** @description Server-generated. Leave it out to create an entry; send it back to keep one. */
                    id?: string;
                    /** @description A label; it has no effect on delivery. */
                    name?: string;
                    /** @description Write-only: signs deliveries (`emporix-event-signature`, `webhook-signature`). Reads answer `secretKeyExists`. */
                    secretKey?: string;
                    /** @description As read back: `false` removes the stored secret, `true` keeps it. Omitting both this and `secretKey` keeps the stored secret. */
                    secretKeyExists?: boolean;
                }[];
                /** @description Extra request headers, `{ "<name>": { "value": "<v>" } }`, at most 10. */
                headers?: {
                    [key: string]: {
                        value: string;
                    };
                };
                /** @description Write-only: signs deliveries (`emporix-event-signature`, `webhook-signature`). Reads answer `secretKeyExists`. */
                secretKey?: string;
                /** @description As read back: `false` removes the stored secret, `true` keeps it. Omitting both this and `secretKey` keeps the stored secret. */
                secretKeyExists?: boolean;
            };
            /** @description HTTP (code `http`), or SVIX_SHARED (code `svix_shared`, an empty configuration: its endpoints are kept under /webhook/{tenant}/portal/endpoints). SVIX is refused with 400. */
            provider: "HTTP" | "SVIX_SHARED";
        };
        /** WebhookConfigPatchOperation */
        WebhookConfigPatchOperation: {
            op: "UPSERT" | "REMOVE";
            path: string;
            value?: unknown;
        };
        /** WebhookConfigUpdate */
        WebhookConfigUpdate: {
            /** @description Defaults to true; an inactive config delivers nothing. */
            active?: boolean;
            /** @description The config's code: `http` for provider HTTP, `svix_shared` for SVIX_SHARED. */
            code?: string;
            configuration?: {
                /** @description An absolute http or https URL. It is not called on write. */
                destinationUrl?: string;
                eventsConfiguration?: {
                    /** @description Defaults to true; an inactive entry receives nothing. */
                    active?: boolean;
                    /** @description An absolute http or https URL. It is not called on write. */
                    destinationUrl?: string;
                    /** @description One of the event types of the catalogue, in any case. */
                    eventType: string;
                    /** @description Top-level payload fields left out of deliveries to this entry. `null` or absent inherits the subscription; `[]` excludes nothing. */
                    excludedFields?: string[] | null;
                    /** @description An RFC 9535 JsonPath filter over the payload, e.g. `$[?(@.status == 'ACTIVE')]`; empty matches every event. */
                    filter?: string;
                    /** @description Extra request headers, `{ "<name>": { "value": "<v>" } }`, at most 10. */
                    headers?: {
                        [key: string]: {
                            value: string;
                        };
                    };
                    /** @description Server-generated. Leave it out to create an entry; send it back to keep one. */
                    id?: string;
                    /** @description A label; it has no effect on delivery. */
                    name?: string;
                    /** @description Write-only: signs deliveries (`emporix-event-signature`, `webhook-signature`). Reads answer `secretKeyExists`. */
                    secretKey?: string;
                    /** @description As read back: `false` removes the stored secret, `true` keeps it. Omitting both this and `secretKey` keeps the stored secret. */
                    secretKeyExists?: boolean;
                }[];
                /** @description Extra request headers, `{ "<name>": { "value": "<v>" } }`, at most 10. */
                headers?: {
                    [key: string]: {
                        value: string;
                    };
                };
                /** @description Write-only: signs deliveries (`emporix-event-signature`, `webhook-signature`). Reads answer `secretKeyExists`. */
                secretKey?: string;
                /** @description As read back: `false` removes the stored secret, `true` keeps it. Omitting both this and `secretKey` keeps the stored secret. */
                secretKeyExists?: boolean;
            };
            /** @description HTTP (code `http`), or SVIX_SHARED (code `svix_shared`, an empty configuration: its endpoints are kept under /webhook/{tenant}/portal/endpoints). SVIX is refused with 400. */
            provider: "HTTP" | "SVIX_SHARED";
        };
        /**
         * WebhookError
         * @description Error
         */
        WebhookError: {
            code: number;
            /** @description The problems, each as `field: problem`. */
            details?: string[];
            fault?: {
                [key: string]: unknown;
            };
            message: string;
            status: string;
        };
        /** WebhookStatistics */
        WebhookStatistics: {
            /** @description Newest month first; every month of the range. */
            monthStatistics: {
                statisticsMonth: string;
                /** @description Deliveries that succeeded in the month (UTC). The name is spelled as the contract spells it. */
                succesfullySentWebhooks: number;
            }[];
            /** @description Successful deliveries allowed per month; absent when unlimited. */
            webhooksLimit?: number;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    "GET-oauth-jwks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        keys: {
                            [key: string]: unknown;
                        }[];
                    };
                };
            };
            /** @description Error */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    "GET-customer-segment-list-api-clients": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                tenant: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiClient"][];
                };
            };
            /** @description Error */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    "POST-customer-segment-create-api-client": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                tenant: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "name": "storefront",
                 *       "scopes": [
                 *         "customersegment.segment_read"
                 *       ]
                 *     }
                 */
                "application/json": components["schemas"]["ApiClientCreation"];
            };
        };
        responses: {
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiClientWithSecret"];
                };
            };
            /** @description Error */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    "GET-customer-segment-retrieve-api-client": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description 32 lowercase hex characters */
                clientId: string;
                tenant: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiClient"];
                };
            };
            /** @description Error */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    "DELETE-customer-segment-revoke-api-client": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description 32 lowercase hex characters */
                clientId: string;
                tenant: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Error */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    "POST-customer-segment-rotate-api-client-secret": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description 32 lowercase hex characters */
                clientId: string;
                tenant: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "graceSeconds": 3600
                 *     }
                 */
                "application/json": components["schemas"]["ApiClientRotation"];
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiClientWithSecret"];
                };
            };
            /** @description Error */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    "PUT-customer-segment-upsert-directory-categories": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                tenant: string;
            };
            cookie?: never;
        };
        /** @description Up to 1000 entries, each as in GET categories/{id} */
        requestBody: {
            content: {
                /**
                 * @example [
                 *       {
                 *         "id": "kitchen",
                 *         "code": "KITCHEN",
                 *         "name": {
                 *           "en": "Kitchen"
                 *         }
                 *       }
                 *     ]
                 */
                "application/json": unknown[];
            };
        };
        responses: {
            /** @description Default Response */
            207: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BulkResult"][];
                };
            };
            /** @description Error */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    "GET-customer-segment-retrieve-directory-categories": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                tenant: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DirectoryCategory"];
                };
            };
            /** @description Error */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    "DELETE-customer-segment-remove-directory-categories": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                tenant: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Error */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    "PUT-customer-segment-upsert-directory-customers": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                tenant: string;
            };
            cookie?: never;
        };
        /** @description Up to 1000 entries, each as in GET customers/{id} */
        requestBody: {
            content: {
                /**
                 * @example [
                 *       {
                 *         "id": "ada",
                 *         "email": "ada@example.com",
                 *         "firstName": "Ada",
                 *         "lastName": "Lovelace"
                 *       }
                 *     ]
                 */
                "application/json": unknown[];
            };
        };
        responses: {
            /** @description Default Response */
            207: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BulkResult"][];
                };
            };
            /** @description Error */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    "GET-customer-segment-retrieve-directory-customers": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                tenant: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DirectoryCustomer"];
                };
            };
            /** @description Error */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    "DELETE-customer-segment-remove-directory-customers": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                tenant: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Error */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    "PUT-customer-segment-upsert-directory-legal-entities": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                tenant: string;
            };
            cookie?: never;
        };
        /** @description Up to 1000 entries, each as in GET legal-entities/{id} */
        requestBody: {
            content: {
                /**
                 * @example [
                 *       {
                 *         "id": "acme",
                 *         "name": "Acme GmbH"
                 *       }
                 *     ]
                 */
                "application/json": unknown[];
            };
        };
        responses: {
            /** @description Default Response */
            207: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BulkResult"][];
                };
            };
            /** @description Error */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    "GET-customer-segment-retrieve-directory-legal-entities": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                tenant: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DirectoryLegalEntity"];
                };
            };
            /** @description Error */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    "DELETE-customer-segment-remove-directory-legal-entities": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                tenant: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Error */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    "PUT-customer-segment-upsert-directory-products": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                tenant: string;
            };
            cookie?: never;
        };
        /** @description Up to 1000 entries, each as in GET products/{id} */
        requestBody: {
            content: {
                /**
                 * @example [
                 *       {
                 *         "id": "espresso-machine",
                 *         "code": "EM-1",
                 *         "name": {
                 *           "en": "Espresso machine"
                 *         },
                 *         "categoryIds": [
                 *           "kitchen"
                 *         ]
                 *       }
                 *     ]
                 */
                "application/json": unknown[];
            };
        };
        responses: {
            /** @description Default Response */
            207: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BulkResult"][];
                };
            };
            /** @description Error */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    "GET-customer-segment-retrieve-directory-products": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                tenant: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DirectoryProduct"];
                };
            };
            /** @description Error */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    "DELETE-customer-segment-remove-directory-products": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                tenant: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Error */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    "GET-customer-segment-retrieve-segments": {
        parameters: {
            query?: {
                customerId?: string;
                fields?: string;
                legalEntityId?: string;
                pageNumber?: string;
                pageSize?: string;
                q?: string;
                sort?: string;
            };
            header?: {
                /** @description Languages by preference, with q-values: each localized field then holds its best entry. `*` or none: every entry. */
                "accept-language"?: string;
                /** @description `true` to receive the number of all matches in the X-Total-Count response header. */
                "x-total-count"?: string;
            };
            path: {
                tenant: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    /** @description The number of all matches, when the request sent `X-Total-Count: true`. */
                    "X-Total-Count"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Segment"][];
                };
            };
            /** @description Error */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    "POST-customer-segment-create-segment": {
        parameters: {
            query?: never;
            header?: {
                "content-language"?: string;
            };
            path: {
                tenant: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "name": {
                 *         "en": "VIP customers",
                 *         "de": "VIP-Kunden"
                 *       },
                 *       "description": {
                 *         "en": "Customers who spent over 1,000 this year"
                 *       },
                 *       "siteCode": "main",
                 *       "status": "ACTIVE",
                 *       "validity": {
                 *         "from": "2026-01-01T00:00:00Z"
                 *       }
                 *     }
                 */
                "application/json": components["schemas"]["SegmentCreation"];
            };
        };
        responses: {
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Created"];
                };
            };
            /** @description Error */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    "GET-customer-segment-retrieve-segment": {
        parameters: {
            query?: {
                fields?: string;
                legalEntityId?: string;
            };
            header?: {
                /** @description Languages by preference, with q-values: each localized field then holds its best entry. `*` or none: every entry. */
                "accept-language"?: string;
            };
            path: {
                segmentId: string;
                tenant: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Segment"];
                };
            };
            /** @description Error */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    "PUT-customer-segment-update-segment": {
        parameters: {
            query?: never;
            header?: {
                "content-language"?: string;
            };
            path: {
                segmentId: string;
                tenant: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "name": {
                 *         "en": "VIP customers",
                 *         "de": "VIP-Kunden"
                 *       },
                 *       "description": {
                 *         "en": "Customers who spent over 1,000 this year"
                 *       },
                 *       "siteCode": "main",
                 *       "status": "ACTIVE",
                 *       "validity": {
                 *         "from": "2026-01-01T00:00:00Z"
                 *       }
                 *     }
                 */
                "application/json": components["schemas"]["SegmentUpdate"];
            };
        };
        responses: {
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Created"];
                };
            };
            /** @description Default Response */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Error */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    "DELETE-customer-segment-remove-segment": {
        parameters: {
            query?: {
                forceDelete?: "true" | "false";
            };
            header?: never;
            path: {
                segmentId: string;
                tenant: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Error */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    "PATCH-customer-segment-update-segment": {
        parameters: {
            query?: never;
            header?: {
                "content-language"?: string;
            };
            path: {
                segmentId: string;
                tenant: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example [
                 *       {
                 *         "op": "replace",
                 *         "path": "/status",
                 *         "value": "INACTIVE"
                 *       }
                 *     ]
                 */
                "application/json": components["schemas"]["JsonPatchOperation"][];
            };
        };
        responses: {
            /** @description Default Response */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Error */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    "GET-customer-segment-retrieve-customers": {
        parameters: {
            query?: {
                customerId?: string;
                fields?: string;
                legalEntityId?: string;
                pageNumber?: string;
                pageSize?: string;
                q?: string;
                sort?: string;
            };
            header?: {
                /** @description `true` to receive the number of all matches in the X-Total-Count response header. */
                "x-total-count"?: string;
            };
            path: {
                segmentId: string;
                tenant: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    /** @description The number of all matches, when the request sent `X-Total-Count: true`. */
                    "X-Total-Count"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CustomerAssignment"][];
                };
            };
            /** @description Error */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    "GET-customer-segment-retrieve-customer-by-customerId": {
        parameters: {
            query?: {
                fields?: string;
            };
            header?: never;
            path: {
                customerId: string;
                segmentId: string;
                tenant: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CustomerAssignment"];
                };
            };
            /** @description Error */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    "PUT-customer-segment-update-customer-by-customerId": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                customerId: string;
                segmentId: string;
                tenant: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "mixins": {
                 *         "loyalty": {
                 *           "tier": "gold"
                 *         }
                 *       }
                 *     }
                 */
                "application/json": components["schemas"]["CustomerAssignmentUpdate"];
            };
        };
        responses: {
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Default Response */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Error */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    "DELETE-customer-segment-remove-customer-by-customerId": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                customerId: string;
                segmentId: string;
                tenant: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Error */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    "GET-customer-segment-retrieve-customer": {
        parameters: {
            query?: {
                fields?: string;
            };
            header?: never;
            path: {
                customerId: string;
                legalEntityId: string;
                segmentId: string;
                tenant: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CustomerAssignment"];
                };
            };
            /** @description Error */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    "PUT-customer-segment-update-customer": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                customerId: string;
                legalEntityId: string;
                segmentId: string;
                tenant: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "mixins": {
                 *         "loyalty": {
                 *           "tier": "gold"
                 *         }
                 *       }
                 *     }
                 */
                "application/json": components["schemas"]["CustomerAssignmentUpdate"];
            };
        };
        responses: {
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Default Response */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Error */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    "DELETE-customer-segment-remove-customer": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                customerId: string;
                legalEntityId: string;
                segmentId: string;
                tenant: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Error */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    "PUT-customer-segment-update-customers-bulk": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                segmentId: string;
                tenant: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example [
                 *       {
                 *         "customerId": "ada"
                 *       },
                 *       {
                 *         "customerId": "grace",
                 *         "legalEntityId": "acme"
                 *       }
                 *     ]
                 */
                "application/json": unknown[];
            };
        };
        responses: {
            /** @description Default Response */
            207: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BulkResult"][];
                };
            };
            /** @description Error */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    "DELETE-customer-segment-remove-customers-bulk": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                segmentId: string;
                tenant: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example [
                 *       {
                 *         "customerId": "ada"
                 *       }
                 *     ]
                 */
                "application/json": unknown[];
            };
        };
        responses: {
            /** @description Default Response */
            207: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BulkResult"][];
                };
            };
            /** @description Error */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    "POST-customer-segment-search-customers": {
        parameters: {
            query?: {
                fields?: string;
                pageNumber?: string;
                pageSize?: string;
                q?: unknown;
                sort?: string;
            };
            header?: {
                /** @description `true` to receive the number of all matches in the X-Total-Count response header. */
                "x-total-count"?: string;
            };
            path: {
                segmentId: string;
                tenant: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "q": "assignmentType:MANUAL"
                 *     }
                 */
                "application/json": components["schemas"]["SearchQuery"];
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    /** @description The number of all matches, when the request sent `X-Total-Count: true`. */
                    "X-Total-Count"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CustomerAssignment"][];
                };
            };
            /** @description Error */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    "GET-customer-segment-retrieve-segment-items": {
        parameters: {
            query?: {
                customerId?: string;
                fields?: string;
                legalEntityId?: string;
                pageNumber?: string;
                pageSize?: string;
                q?: string;
                sort?: string;
            };
            header?: {
                /** @description Languages by preference, with q-values: each localized field then holds its best entry. `*` or none: every entry. */
                "accept-language"?: string;
                /** @description `true` to receive the number of all matches in the X-Total-Count response header. */
                "x-total-count"?: string;
            };
            path: {
                segmentId: string;
                tenant: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    /** @description The number of all matches, when the request sent `X-Total-Count: true`. */
                    "X-Total-Count"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ItemAssignment"][];
                };
            };
            /** @description Error */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    "GET-customer-segment-retrieve-item": {
        parameters: {
            query?: {
                customerId?: string;
                fields?: string;
                legalEntityId?: string;
            };
            header?: {
                /** @description Languages by preference, with q-values: each localized field then holds its best entry. `*` or none: every entry. */
                "accept-language"?: string;
            };
            path: {
                itemId: string;
                segmentId: string;
                tenant: string;
                type: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ItemAssignment"];
                };
            };
            /** @description Error */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    "PUT-customer-segment-update-item": {
        parameters: {
            query?: never;
            header?: {
                "content-language"?: string;
            };
            path: {
                itemId: string;
                segmentId: string;
                tenant: string;
                type: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "mixins": {
                 *         "placement": {
                 *           "slot": "homepage"
                 *         }
                 *       }
                 *     }
                 */
                "application/json": components["schemas"]["ItemAssignmentUpdate"];
            };
        };
        responses: {
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Default Response */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Error */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    "DELETE-customer-segment-remove-item": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                itemId: string;
                segmentId: string;
                tenant: string;
                type: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Error */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    "PUT-customer-segment-update-items-bulk": {
        parameters: {
            query?: never;
            header?: {
                "content-language"?: string;
            };
            path: {
                segmentId: string;
                tenant: string;
                type: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example [
                 *       {
                 *         "id": "espresso-machine"
                 *       },
                 *       {
                 *         "id": "grinder"
                 *       }
                 *     ]
                 */
                "application/json": unknown[];
            };
        };
        responses: {
            /** @description Default Response */
            207: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BulkResult"][];
                };
            };
            /** @description Error */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    "DELETE-customer-segment-remove-items-bulk": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                segmentId: string;
                tenant: string;
                type: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example [
                 *       "grinder"
                 *     ]
                 */
                "application/json": unknown[];
            };
        };
        responses: {
            /** @description Default Response */
            207: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BulkResult"][];
                };
            };
            /** @description Error */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    "POST-customer-segment-search-items": {
        parameters: {
            query?: {
                customerId?: string;
                fields?: string;
                legalEntityId?: string;
                pageNumber?: string;
                pageSize?: string;
                q?: unknown;
                sort?: string;
            };
            header?: {
                /** @description Languages by preference, with q-values: each localized field then holds its best entry. `*` or none: every entry. */
                "accept-language"?: string;
                /** @description `true` to receive the number of all matches in the X-Total-Count response header. */
                "x-total-count"?: string;
            };
            path: {
                segmentId: string;
                tenant: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "q": "type:PRODUCT"
                 *     }
                 */
                "application/json": components["schemas"]["SearchQuery"];
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    /** @description The number of all matches, when the request sent `X-Total-Count: true`. */
                    "X-Total-Count"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ItemAssignment"][];
                };
            };
            /** @description Error */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    "GET-customer-segment-retrieve-rule": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                segmentId: string;
                tenant: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SegmentRule"];
                };
            };
            /** @description Error */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    "PUT-customer-segment-upsert-rule": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                segmentId: string;
                tenant: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "query": "tags:wholesale AND attributes.lastOrderAt:>now-30d",
                 *       "b2b": false
                 *     }
                 */
                "application/json": components["schemas"]["SegmentRuleRequest"];
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SegmentRule"];
                };
            };
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SegmentRule"];
                };
            };
            /** @description Error */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    "DELETE-customer-segment-remove-rule": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                segmentId: string;
                tenant: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Error */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    "PUT-customer-segment-update-segments-bulk": {
        parameters: {
            query?: never;
            header?: {
                "content-language"?: string;
            };
            path: {
                tenant: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example [
                 *       {
                 *         "name": {
                 *           "en": "VIP customers",
                 *           "de": "VIP-Kunden"
                 *         },
                 *         "description": {
                 *           "en": "Customers who spent over 1,000 this year"
                 *         },
                 *         "siteCode": "main",
                 *         "status": "ACTIVE",
                 *         "validity": {
                 *           "from": "2026-01-01T00:00:00Z"
                 *         },
                 *         "id": "vip-customers"
                 *       }
                 *     ]
                 */
                "application/json": unknown[];
            };
        };
        responses: {
            /** @description Default Response */
            207: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BulkResult"][];
                };
            };
            /** @description Error */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    "POST-customer-segment-create-segments-bulk": {
        parameters: {
            query?: never;
            header?: {
                "content-language"?: string;
            };
            path: {
                tenant: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example [
                 *       {
                 *         "name": {
                 *           "en": "VIP customers",
                 *           "de": "VIP-Kunden"
                 *         },
                 *         "description": {
                 *           "en": "Customers who spent over 1,000 this year"
                 *         },
                 *         "siteCode": "main",
                 *         "status": "ACTIVE",
                 *         "validity": {
                 *           "from": "2026-01-01T00:00:00Z"
                 *         }
                 *       },
                 *       {
                 *         "name": {
                 *           "en": "Newsletter readers"
                 *         },
                 *         "description": {
                 *           "en": "Customers who spent over 1,000 this year"
                 *         },
                 *         "siteCode": "main",
                 *         "status": "ACTIVE",
                 *         "validity": {
                 *           "from": "2026-01-01T00:00:00Z"
                 *         }
                 *       }
                 *     ]
                 */
                "application/json": unknown[];
            };
        };
        responses: {
            /** @description Default Response */
            207: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BulkResult"][];
                };
            };
            /** @description Error */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    "DELETE-customer-segment-remove-segments-bulk": {
        parameters: {
            query?: {
                forceDelete?: "true" | "false";
            };
            header?: never;
            path: {
                tenant: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example [
                 *       "vip-customers"
                 *     ]
                 */
                "application/json": unknown[];
            };
        };
        responses: {
            /** @description Default Response */
            207: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BulkResult"][];
                };
            };
            /** @description Error */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    "GET-customer-segment-retrieve-segments-items": {
        parameters: {
            query?: {
                customerId?: string;
                fields?: string;
                legalEntityId?: string;
                onlyActive?: "true" | "false";
                pageNumber?: string;
                pageSize?: string;
                q?: string;
                siteCode?: string;
                sort?: string;
            };
            header?: {
                /** @description Languages by preference, with q-values: each localized field then holds its best entry. `*` or none: every entry. */
                "accept-language"?: string;
                /** @description `true` to receive the number of all matches in the X-Total-Count response header. */
                "x-total-count"?: string;
            };
            path: {
                tenant: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    /** @description The number of all matches, when the request sent `X-Total-Count: true`. */
                    "X-Total-Count"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ItemAssignment"][];
                };
            };
            /** @description Error */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    "GET-customer-segment-retrieve-category-trees": {
        parameters: {
            query?: {
                customerId?: string;
                legalEntityId?: string;
                siteCode?: string;
            };
            header?: {
                /** @description Languages by preference, with q-values: each localized field then holds its best entry. `*` or none: every entry. */
                "accept-language"?: string;
            };
            path: {
                tenant: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        code?: string;
                        ecn?: string[];
                        id: string;
                        isSegmentAssigned: boolean;
                        localizedDescription?: {
                            [key: string]: string;
                        };
                        localizedSlug?: {
                            [key: string]: string;
                        };
                        name?: {
                            [key: string]: string;
                        };
                        parentId?: string;
                        position?: number;
                        published?: boolean;
                        subcategories: {
                            [key: string]: unknown;
                        }[];
                        validity?: {
                            from?: string;
                            to?: string;
                        };
                    }[];
                };
            };
            /** @description Error */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    "POST-customer-segment-check-match": {
        parameters: {
            query?: {
                customerId?: string;
                legalEntityId?: string;
            };
            header?: never;
            path: {
                tenant: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "siteCode": "main",
                 *       "items": [
                 *         {
                 *           "id": "espresso-machine"
                 *         }
                 *       ],
                 *       "segmentIds": [
                 *         "vip-customers"
                 *       ]
                 *     }
                 */
                "application/json": {
                    items: {
                        id: string;
                    }[];
                    segmentIds: string[];
                    site?: string;
                    siteCode?: string;
                } | unknown | unknown;
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                    }[];
                };
            };
            /** @description Error */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    "POST-customer-segment-preview-rule": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                tenant: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "query": "tags:wholesale AND (attributes.spent:>=1000 OR attributes.lastOrderAt:>now-30d)"
                 *     }
                 */
                "application/json": components["schemas"]["RulePreviewRequest"];
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RulePreview"];
                };
            };
            /** @description Error */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    "POST-customer-segment-search-segments": {
        parameters: {
            query?: {
                customerId?: string;
                fields?: string;
                legalEntityId?: string;
                pageNumber?: string;
                pageSize?: string;
                q?: unknown;
                sort?: string;
            };
            header?: {
                /** @description Languages by preference, with q-values: each localized field then holds its best entry. `*` or none: every entry. */
                "accept-language"?: string;
                /** @description `true` to receive the number of all matches in the X-Total-Count response header. */
                "x-total-count"?: string;
            };
            path: {
                tenant: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "q": "status:ACTIVE siteCode:main"
                 *     }
                 */
                "application/json": components["schemas"]["SearchQuery"];
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    /** @description The number of all matches, when the request sent `X-Total-Count: true`. */
                    "X-Total-Count"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Segment"][];
                };
            };
            /** @description Error */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    "GET-health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        status: string;
                    };
                };
            };
        };
    };
    "POST-oauth-request-client-credentials": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "grant_type": "client_credentials",
                 *       "client_id": "{client_id}",
                 *       "client_secret": "{client_secret}",
                 *       "scope": "tenant={tenant} customersegment.segment_read"
                 *     }
                 */
                "application/x-www-form-urlencoded": {
                    /** @description Or in HTTP Basic */
                    client_id?: string;
                    /** @description Or in HTTP Basic */
                    client_secret?: string;
                    /** @description Always client_credentials */
                    grant_type?: string;
                    /** @description Space-separated: narrows the client's scopes; `tenant=…` must name the client's tenant */
                    scope?: string;
                } & {
                    [key: string]: unknown;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        access_token: string;
                        expires_in: number;
                        refresh_token: string;
                        refresh_token_expires_in: number;
                        /** @description `tenant=…` and the granted scopes */
                        scope: string;
                        session_idle_time: number;
                        token_type: string;
                    };
                };
            };
            /** @description RFC 6749 §5.2 */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: string;
                        error_description: string;
                    };
                };
            };
            /** @description RFC 6749 §5.2 */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: string;
                        error_description: string;
                    };
                };
            };
            /** @description RFC 6749 §5.2 */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: string;
                        error_description: string;
                    };
                };
            };
            /** @description RFC 6749 §5.2 */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        error: string;
                        error_description: string;
                    };
                };
            };
        };
    };
    "GET-ready": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description With DATABASE_READ_URL: whether the read replica answers */
                        replica?: "reachable" | "unreachable";
                        status: string;
                    };
                };
            };
            /** @description Error */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    "GET-webhook-list-configs": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                tenant: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookConfig"][];
                };
            };
            /** @description Error */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookError"];
                };
            };
            /** @description Error */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookError"];
                };
            };
            /** @description Error */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookError"];
                };
            };
            /** @description Error */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookError"];
                };
            };
        };
    };
    "POST-webhook-create-config": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                tenant: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "code": "http",
                 *       "active": true,
                 *       "provider": "HTTP",
                 *       "configuration": {
                 *         "destinationUrl": "http://127.0.0.1:4000/webhooks",
                 *         "secretKey": "a-secret-of-your-own",
                 *         "eventsConfiguration": []
                 *       }
                 *     }
                 */
                "application/json": components["schemas"]["WebhookConfigCreation"];
            };
        };
        responses: {
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CreatedWebhookConfig"];
                };
            };
            /** @description Error */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookError"];
                };
            };
            /** @description Error */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookError"];
                };
            };
            /** @description Error */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookError"];
                };
            };
            /** @description Error */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookError"];
                };
            };
            /** @description Error */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookError"];
                };
            };
            /** @description Error */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookError"];
                };
            };
            /** @description Error */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookError"];
                };
            };
        };
    };
    "GET-webhook-retrieve-config": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The config's code: `http` for provider HTTP, `svix_shared` for SVIX_SHARED. */
                code: string;
                tenant: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookConfig"];
                };
            };
            /** @description Error */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookError"];
                };
            };
            /** @description Error */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookError"];
                };
            };
            /** @description Error */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookError"];
                };
            };
            /** @description Error */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookError"];
                };
            };
            /** @description Error */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookError"];
                };
            };
        };
    };
    "PUT-webhook-update-config": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The config's code: `http` for provider HTTP, `svix_shared` for SVIX_SHARED. */
                code: string;
                tenant: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "active": true,
                 *       "provider": "HTTP",
                 *       "configuration": {
                 *         "destinationUrl": "http://127.0.0.1:4000/webhooks",
                 *         "eventsConfiguration": [
                 *           {
                 *             "eventType": "customer-segment.segment-created",
                 *             "filter": "$[?(@.siteCode == 'main')]"
                 *           }
                 *         ]
                 *       }
                 *     }
                 */
                "application/json": components["schemas"]["WebhookConfigUpdate"];
            };
        };
        responses: {
            /** @description Default Response */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Error */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookError"];
                };
            };
            /** @description Error */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookError"];
                };
            };
            /** @description Error */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookError"];
                };
            };
            /** @description Error */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookError"];
                };
            };
            /** @description Error */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookError"];
                };
            };
            /** @description Error */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookError"];
                };
            };
            /** @description Error */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookError"];
                };
            };
        };
    };
    "DELETE-webhook-remove-config": {
        parameters: {
            query?: {
                force?: "true" | "false";
            };
            header?: never;
            path: {
                /** @description The config's code: `http` for provider HTTP, `svix_shared` for SVIX_SHARED. */
                code: string;
                tenant: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Error */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookError"];
                };
            };
            /** @description Error */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookError"];
                };
            };
            /** @description Error */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookError"];
                };
            };
            /** @description Error */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookError"];
                };
            };
        };
    };
    "PATCH-webhook-update-config": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The config's code: `http` for provider HTTP, `svix_shared` for SVIX_SHARED. */
                code: string;
                tenant: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example [
                 *       {
                 *         "op": "UPSERT",
                 *         "path": "/active",
                 *         "value": true
                 *       }
                 *     ]
                 */
                "application/json": components["schemas"]["WebhookConfigPatchOperation"][];
            };
        };
        responses: {
            /** @description Default Response */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Error */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookError"];
                };
            };
            /** @description Error */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookError"];
                };
            };
            /** @description Error */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookError"];
                };
            };
            /** @description Error */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookError"];
                };
            };
            /** @description Error */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookError"];
                };
            };
            /** @description Error */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookError"];
                };
            };
            /** @description Error */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookError"];
                };
            };
            /** @description Error */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookError"];
                };
            };
        };
    };
    "GET-webhook-access-tenant-svix": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                tenant: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description A bearer token of the tenant's webhook scopes, valid for 1h. */
                        token: string;
                        /** @description A link to the webhook portal, to be opened once within 10 minutes. */
                        url: string;
                    };
                };
            };
            /** @description Error */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookError"];
                };
            };
            /** @description Error */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookError"];
                };
            };
            /** @description Error */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookError"];
                };
            };
            /** @description Error */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookError"];
                };
            };
            /** @description Error */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookError"];
                };
            };
        };
    };
    "GET-webhook-list-delivery-attempts": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                deliveryId: string;
                tenant: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeliveryAttempt"][];
                };
            };
            /** @description Error */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    "POST-webhook-resend-deliveries": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                tenant: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "since": "2026-01-01T00:00:00Z",
                 *       "state": "failed"
                 *     }
                 */
                "application/json": {
                    /** @description Only deliveries of this config (any when absent). */
                    configCode?: string;
                    /** @description Only events of this type. */
                    eventType?: "customer-segment.segment-created" | "customer-segment.segment-updated" | "customer-segment.segment-deleted" | "customer-segment.customer-assignment-created" | "customer-segment.customer-assignment-updated" | "customer-segment.customer-assignment-deleted" | "customer-segment.item-assignment-created" | "customer-segment.item-assignment-updated" | "customer-segment.item-assignment-deleted";
                    /**
                     * Format: date-time
                     * @description Only events published at or after this time.
                     */
                    since: string;
                    /** @description Only deliveries in this state (any when absent). */
                    state?: "pending" | "delivered" | "failed";
                    /** @description Only deliveries to this target (any when absent). */
                    targetId?: string;
                    /**
                     * Format: date-time
                     * @description Only events published before this time.
                     */
                    until?: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        resent: number;
                    };
                };
            };
            /** @description Error */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    "GET-webhook-list-all-event-subscriptions": {
        parameters: {
            query?: never;
            header?: {
                "accept-language"?: string;
            };
            path: {
                tenant: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EventSubscription"][];
                };
            };
            /** @description Error */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookError"];
                };
            };
            /** @description Error */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookError"];
                };
            };
            /** @description Error */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookError"];
                };
            };
            /** @description Error */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookError"];
                };
            };
        };
    };
    "PATCH-webhook-manage-event-subscriptions": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                tenant: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example [
                 *       {
                 *         "eventType": "customer-segment.segment-created",
                 *         "action": "SUBSCRIBE"
                 *       },
                 *       {
                 *         "eventType": "customer-segment.segment-updated",
                 *         "action": "SUBSCRIBE",
                 *         "fieldsToUnsubscribe": [
                 *           "mixins"
                 *         ]
                 *       }
                 *     ]
                 */
                "application/json": components["schemas"]["EventSubscriptionChange"][];
            };
        };
        responses: {
            /** @description Default Response */
            207: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EventSubscriptionResult"][];
                };
            };
            /** @description Error */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookError"];
                };
            };
            /** @description Error */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookError"];
                };
            };
            /** @description Error */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookError"];
                };
            };
            /** @description Error */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookError"];
                };
            };
            /** @description Error */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookError"];
                };
            };
            /** @description Error */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookError"];
                };
            };
        };
    };
    "GET-webhook-list-events": {
        parameters: {
            query?: {
                /** @description Only events with at least one delivery in this state. */
                deliveryState?: "pending" | "delivered" | "failed";
                pageNumber?: string;
                pageSize?: string;
                /** @description An RFC 3339 time (events published at or after it), or a sequence number (events after it). */
                since?: string;
                type?: "customer-segment.segment-created" | "customer-segment.segment-updated" | "customer-segment.segment-deleted" | "customer-segment.customer-assignment-created" | "customer-segment.customer-assignment-updated" | "customer-segment.customer-assignment-deleted" | "customer-segment.item-assignment-created" | "customer-segment.item-assignment-updated" | "customer-segment.item-assignment-deleted";
            };
            header?: never;
            path: {
                tenant: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Event"][];
                };
            };
            /** @description Error */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    "GET-webhook-retrieve-event": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                eventId: string;
                tenant: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Event"];
                };
            };
            /** @description Error */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    "POST-webhook-resend-event": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                eventId: string;
                tenant: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "targetId": "default"
                 *     }
                 */
                "application/json": {
                    /** @description Defaults to `http`. */
                    configCode?: string;
                    targetId: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Delivery"];
                };
            };
            /** @description Error */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    "POST-webhook-check-filter": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                tenant: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "filter": "$[?(@.status == 'ACTIVE')]",
                 *       "payload": {
                 *         "id": "gold",
                 *         "status": "ACTIVE"
                 *       }
                 *     }
                 */
                "application/json": {
                    /** @description An RFC 9535 JsonPath filter over the payload, e.g. `$[?(@.status == 'ACTIVE')]`; empty matches every event. */
                    filter: string;
                    /** @description An event's payload, as deliveries carry it. */
                    payload: {
                        [key: string]: unknown;
                    };
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description Why the filter could not be evaluated on this payload (it then counts as not matching). */
                        error?: string;
                        /** @description Whether an event with this payload would go to an entry with this filter. */
                        matched: boolean;
                    };
                };
            };
            /** @description Error */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    "GET-webhook-list-portal-endpoints": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                tenant: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PortalEndpoint"][];
                };
            };
            /** @description Error */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookError"];
                };
            };
            /** @description Error */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookError"];
                };
            };
            /** @description Error */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookError"];
                };
            };
            /** @description Error */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookError"];
                };
            };
        };
    };
    "POST-webhook-create-portal-endpoint": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                tenant: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "url": "http://127.0.0.1:4000/webhooks",
                 *       "description": "Segment changes for the CRM",
                 *       "eventTypes": [
                 *         "customer-segment.customer-assignment-created",
                 *         "customer-segment.customer-assignment-deleted"
                 *       ]
                 *     }
                 */
                "application/json": components["schemas"]["PortalEndpointCreation"];
            };
        };
        responses: {
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PortalEndpoint"];
                };
            };
            /** @description Error */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookError"];
                };
            };
            /** @description Error */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookError"];
                };
            };
            /** @description Error */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookError"];
                };
            };
            /** @description Error */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookError"];
                };
            };
            /** @description Error */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookError"];
                };
            };
            /** @description Error */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookError"];
                };
            };
        };
    };
    "GET-webhook-retrieve-portal-endpoint": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                endpointId: string;
                tenant: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PortalEndpoint"];
                };
            };
            /** @description Error */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookError"];
                };
            };
            /** @description Error */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookError"];
                };
            };
            /** @description Error */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookError"];
                };
            };
            /** @description Error */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookError"];
                };
            };
            /** @description Error */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookError"];
                };
            };
        };
    };
    "DELETE-webhook-remove-portal-endpoint": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                endpointId: string;
                tenant: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Error */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookError"];
                };
            };
            /** @description Error */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookError"];
                };
            };
            /** @description Error */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookError"];
                };
            };
            /** @description Error */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookError"];
                };
            };
            /** @description Error */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookError"];
                };
            };
        };
    };
    "PATCH-webhook-update-portal-endpoint": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                endpointId: string;
                tenant: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "disabled": false,
                 *       "eventTypes": null
                 *     }
                 */
                "application/json": components["schemas"]["PortalEndpointChange"];
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PortalEndpoint"];
                };
            };
            /** @description Error */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookError"];
                };
            };
            /** @description Error */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookError"];
                };
            };
            /** @description Error */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookError"];
                };
            };
            /** @description Error */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookError"];
                };
            };
            /** @description Error */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookError"];
                };
            };
            /** @description Error */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookError"];
                };
            };
            /** @description Error */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookError"];
                };
            };
        };
    };
    "GET-webhook-reveal-portal-endpoint-secret": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                endpointId: string;
                tenant: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PortalEndpointSecret"];
                };
            };
            /** @description Error */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookError"];
                };
            };
            /** @description Error */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookError"];
                };
            };
            /** @description Error */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookError"];
                };
            };
            /** @description Error */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookError"];
                };
            };
            /** @description Error */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookError"];
                };
            };
        };
    };
    "POST-webhook-rotate-portal-endpoint-secret": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                endpointId: string;
                tenant: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /** @example {} */
                "application/json": {
                    /** @description A Standard Webhooks secret: `whsec_` and base64 of 24 to 64 bytes. Generated when left out. */
                    key?: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Error */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookError"];
                };
            };
            /** @description Error */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookError"];
                };
            };
            /** @description Error */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookError"];
                };
            };
            /** @description Error */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookError"];
                };
            };
            /** @description Error */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookError"];
                };
            };
            /** @description Error */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookError"];
                };
            };
            /** @description Error */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookError"];
                };
            };
        };
    };
    "GET-webhook-retrieve-statistics": {
        parameters: {
            query?: {
                /** @description First month, YYYY-MM. */
                fromYearMonth?: string;
                /** @description Last month, YYYY-MM. */
                toYearMonth?: string;
            };
            header?: never;
            path: {
                tenant: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookStatistics"];
                };
            };
            /** @description Error */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookError"];
                };
            };
            /** @description Error */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookError"];
                };
            };
            /** @description Error */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookError"];
                };
            };
            /** @description Error */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookError"];
                };
            };
        };
    };
    "GET-webhook-list-targets": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                tenant: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeliveryTarget"][];
                };
            };
            /** @description Error */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    "POST-webhook-enable-target": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                configCode: string;
                targetId: string;
                tenant: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Error */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    "POST-webhook-recover-target": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                configCode: string;
                targetId: string;
                tenant: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "since": "2026-01-01T00:00:00Z"
                 *     }
                 */
                "application/json": {
                    /**
                     * Format: date-time
                     * @description An RFC 3339 time, e.g. 2026-01-31T10:00:00Z.
                     */
                    since: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        recovered: number;
                    };
                };
            };
            /** @description Error */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    "POST-webhook-test-target": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                configCode: string;
                targetId: string;
                tenant: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        durationMs: number;
                        error: string | null;
                        /** @description The first 4 KiB of the answer. */
                        responseExcerpt: string | null;
                        /** @description The receiver's status; null when it did not answer. */
                        status: number | null;
                        url: string;
                        /** @description The test request's `webhook-id`. */
                        webhookId: string;
                    };
                };
            };
            /** @description Error */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
}

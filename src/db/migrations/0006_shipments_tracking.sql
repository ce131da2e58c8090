CREATE TABLE "shipment_documents" (
	"id" uuid PRIMARY KEY NOT NULL,
	"shipment_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"file_name" text NOT NULL,
	"content_type" text NOT NULL,
	"size_bytes" integer NOT NULL,
	"sha256" text NOT NULL,
	"content" "bytea" NOT NULL,
	"portal_visible" boolean DEFAULT true NOT NULL,
	"uploaded_by_id" uuid,
	"uploaded_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "shipment_references" (
	"shipment_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"value" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "shipment_subscriptions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"user_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"shipment_id" uuid,
	"channels" text[] DEFAULT '{email}'::text[] NOT NULL,
	"topics" text[] DEFAULT '{exceptions,delivery}'::text[] NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "shipments" (
	"id" uuid PRIMARY KEY NOT NULL,
	"number" text NOT NULL,
	"customer_id" uuid NOT NULL,
	"contact_id" uuid,
	"department_id" uuid NOT NULL,
	"mode" text NOT NULL,
	"order_no" text,
	"house_bl" text,
	"master_bl" text,
	"booking_ref" text,
	"awb" text,
	"containers" text[] DEFAULT '{}'::text[] NOT NULL,
	"customer_reference" text,
	"origin" text,
	"destination" text,
	"destination_postcode" text,
	"consignee_name" text,
	"consignee_phone" text,
	"pieces" integer,
	"weight_kg" numeric(14, 3),
	"volume_m3" numeric(14, 3),
	"cargo_description" text,
	"special_handling" text[] DEFAULT '{}'::text[] NOT NULL,
	"promised_at" timestamp with time zone,
	"status" text DEFAULT 'created' NOT NULL,
	"status_at" timestamp with time zone,
	"status_location" text,
	"estimated_delivery_at" timestamp with time zone,
	"estimated_arrival_at" timestamp with time zone,
	"actual_arrival_at" timestamp with time zone,
	"delivered_at" timestamp with time zone,
	"last_event_at" timestamp with time zone,
	"open_exceptions" integer DEFAULT 0 NOT NULL,
	"pod_signer" text,
	"pod_signed_at" timestamp with time zone,
	"pod_document_id" uuid,
	"pod_recorded_at" timestamp with time zone,
	"pod_recorded_by_id" uuid,
	"cancelled_at" timestamp with time zone,
	"created_by_id" uuid,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "shipments_number_unique" UNIQUE("number")
);
--> statement-breakpoint
CREATE TABLE "tracking_events" (
	"id" uuid PRIMARY KEY NOT NULL,
	"seq" bigserial NOT NULL,
	"shipment_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"event_code" text NOT NULL,
	"classifier" text NOT NULL,
	"event_time" timestamp with time zone NOT NULL,
	"event_time_text" text NOT NULL,
	"location" text,
	"location_name" text,
	"source" text NOT NULL,
	"source_event_id" text NOT NULL,
	"source_updated_at" timestamp with time zone NOT NULL,
	"source_updated_text" text NOT NULL,
	"retracted" boolean DEFAULT false NOT NULL,
	"source_code" text,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"raw" jsonb,
	"recorded_by_id" uuid,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tracking_feeds" (
	"id" uuid PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"source" text NOT NULL,
	"base_url" text,
	"api_key" text,
	"callback_secret" text,
	"poll_interval_minutes" integer DEFAULT 15 NOT NULL,
	"poll_cursor" text,
	"last_polled_at" timestamp with time zone,
	"last_error" text,
	"last_result" jsonb,
	"active" boolean DEFAULT true NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "tracking_feeds_source_unique" UNIQUE("source")
);
--> statement-breakpoint
CREATE TABLE "tracking_rejects" (
	"id" uuid PRIMARY KEY NOT NULL,
	"source" text NOT NULL,
	"reason" text NOT NULL,
	"raw" jsonb,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "shipment_exceptions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"shipment_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"severity" text DEFAULT 'normal' NOT NULL,
	"detail" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"event_id" uuid,
	"raised_at" timestamp with time zone DEFAULT now() NOT NULL,
	"acknowledged_at" timestamp with time zone,
	"acknowledged_by_id" uuid,
	"resolved_at" timestamp with time zone,
	"resolved_by_id" uuid,
	"resolution" text,
	"follow_up_id" uuid,
	"ticket_id" uuid,
	"customer_notified_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "contact_opt_outs" (
	"contact_id" uuid NOT NULL,
	"scope" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "notification_endpoints" (
	"id" uuid PRIMARY KEY NOT NULL,
	"customer_id" uuid,
	"kind" text NOT NULL,
	"name" text NOT NULL,
	"url" text NOT NULL,
	"secret" text,
	"topics" text[] NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "outbound_attempts" (
	"id" uuid PRIMARY KEY NOT NULL,
	"message_id" uuid NOT NULL,
	"attempt" integer NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"ok" boolean NOT NULL,
	"status_code" integer,
	"response" text,
	"error" text,
	"duration_ms" integer
);
--> statement-breakpoint
CREATE TABLE "outbound_messages" (
	"id" uuid PRIMARY KEY NOT NULL,
	"channel" text NOT NULL,
	"topic" text NOT NULL,
	"customer_id" uuid,
	"contact_id" uuid,
	"endpoint_id" uuid,
	"recipient" text NOT NULL,
	"subject" text,
	"body" text NOT NULL,
	"payload" jsonb,
	"ref_type" text,
	"ref_id" text,
	"dedupe_key" text,
	"status" text DEFAULT 'queued' NOT NULL,
	"suppressed_reason" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone,
	"last_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp with time zone,
	CONSTRAINT "outbound_messages_dedupe_key_unique" UNIQUE("dedupe_key")
);
--> statement-breakpoint
CREATE TABLE "dcsa_event_subscriptions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"customer_id" uuid NOT NULL,
	"created_by_id" uuid,
	"callback_url" text NOT NULL,
	"secret" text NOT NULL,
	"filters" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "shipment_id" uuid;--> statement-breakpoint
ALTER TABLE "shipment_documents" ADD CONSTRAINT "shipment_documents_shipment_id_shipments_id_fk" FOREIGN KEY ("shipment_id") REFERENCES "public"."shipments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shipment_documents" ADD CONSTRAINT "shipment_documents_uploaded_by_id_users_id_fk" FOREIGN KEY ("uploaded_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shipment_references" ADD CONSTRAINT "shipment_references_shipment_id_shipments_id_fk" FOREIGN KEY ("shipment_id") REFERENCES "public"."shipments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shipment_subscriptions" ADD CONSTRAINT "shipment_subscriptions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shipment_subscriptions" ADD CONSTRAINT "shipment_subscriptions_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shipment_subscriptions" ADD CONSTRAINT "shipment_subscriptions_shipment_id_shipments_id_fk" FOREIGN KEY ("shipment_id") REFERENCES "public"."shipments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shipments" ADD CONSTRAINT "shipments_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shipments" ADD CONSTRAINT "shipments_contact_id_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."contacts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shipments" ADD CONSTRAINT "shipments_department_id_departments_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."departments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shipments" ADD CONSTRAINT "shipments_pod_recorded_by_id_users_id_fk" FOREIGN KEY ("pod_recorded_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shipments" ADD CONSTRAINT "shipments_created_by_id_users_id_fk" FOREIGN KEY ("created_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tracking_events" ADD CONSTRAINT "tracking_events_shipment_id_shipments_id_fk" FOREIGN KEY ("shipment_id") REFERENCES "public"."shipments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tracking_events" ADD CONSTRAINT "tracking_events_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shipment_exceptions" ADD CONSTRAINT "shipment_exceptions_shipment_id_shipments_id_fk" FOREIGN KEY ("shipment_id") REFERENCES "public"."shipments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shipment_exceptions" ADD CONSTRAINT "shipment_exceptions_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shipment_exceptions" ADD CONSTRAINT "shipment_exceptions_acknowledged_by_id_users_id_fk" FOREIGN KEY ("acknowledged_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shipment_exceptions" ADD CONSTRAINT "shipment_exceptions_resolved_by_id_users_id_fk" FOREIGN KEY ("resolved_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contact_opt_outs" ADD CONSTRAINT "contact_opt_outs_contact_id_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."contacts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notification_endpoints" ADD CONSTRAINT "notification_endpoints_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "outbound_attempts" ADD CONSTRAINT "outbound_attempts_message_id_outbound_messages_id_fk" FOREIGN KEY ("message_id") REFERENCES "public"."outbound_messages"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "outbound_messages" ADD CONSTRAINT "outbound_messages_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "outbound_messages" ADD CONSTRAINT "outbound_messages_contact_id_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."contacts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dcsa_event_subscriptions" ADD CONSTRAINT "dcsa_event_subscriptions_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dcsa_event_subscriptions" ADD CONSTRAINT "dcsa_event_subscriptions_created_by_id_users_id_fk" FOREIGN KEY ("created_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "shipment_documents_shipment_idx" ON "shipment_documents" USING btree ("shipment_id","uploaded_at");--> statement-breakpoint
CREATE UNIQUE INDEX "shipment_references_pk" ON "shipment_references" USING btree ("shipment_id","kind","value");--> statement-breakpoint
CREATE INDEX "shipment_references_value_idx" ON "shipment_references" USING btree ("value","kind");--> statement-breakpoint
CREATE UNIQUE INDEX "shipment_subscriptions_one_idx" ON "shipment_subscriptions" USING btree ("user_id",coalesce("shipment_id", '00000000-0000-0000-0000-000000000000'::uuid));--> statement-breakpoint
CREATE INDEX "shipment_subscriptions_customer_idx" ON "shipment_subscriptions" USING btree ("customer_id");--> statement-breakpoint
CREATE INDEX "shipments_customer_idx" ON "shipments" USING btree ("customer_id","created_at","id");--> statement-breakpoint
CREATE INDEX "shipments_department_idx" ON "shipments" USING btree ("department_id","open_exceptions","created_at","id");--> statement-breakpoint
CREATE INDEX "shipments_created_idx" ON "shipments" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "shipments_active_idx" ON "shipments" USING btree ("last_event_at") WHERE "shipments"."delivered_at" is null and "shipments"."cancelled_at" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "tracking_events_identity_idx" ON "tracking_events" USING btree ("source","source_event_id");--> statement-breakpoint
CREATE INDEX "tracking_events_shipment_idx" ON "tracking_events" USING btree ("shipment_id","event_time");--> statement-breakpoint
CREATE UNIQUE INDEX "tracking_events_seq_idx" ON "tracking_events" USING btree ("seq");--> statement-breakpoint
CREATE INDEX "tracking_events_customer_seq_idx" ON "tracking_events" USING btree ("customer_id","seq");--> statement-breakpoint
CREATE INDEX "tracking_rejects_received_idx" ON "tracking_rejects" USING btree ("received_at");--> statement-breakpoint
CREATE UNIQUE INDEX "shipment_exceptions_one_open_idx" ON "shipment_exceptions" USING btree ("shipment_id","kind") WHERE "shipment_exceptions"."status" <> 'resolved';--> statement-breakpoint
CREATE INDEX "shipment_exceptions_customer_idx" ON "shipment_exceptions" USING btree ("customer_id","raised_at");--> statement-breakpoint
CREATE INDEX "shipment_exceptions_status_idx" ON "shipment_exceptions" USING btree ("status","raised_at");--> statement-breakpoint
CREATE INDEX "shipment_exceptions_shipment_idx" ON "shipment_exceptions" USING btree ("shipment_id","raised_at");--> statement-breakpoint
CREATE INDEX "contact_opt_outs_idx" ON "contact_opt_outs" USING btree ("contact_id","scope");--> statement-breakpoint
CREATE INDEX "notification_endpoints_customer_idx" ON "notification_endpoints" USING btree ("customer_id");--> statement-breakpoint
CREATE INDEX "outbound_attempts_message_idx" ON "outbound_attempts" USING btree ("message_id","attempt");--> statement-breakpoint
CREATE INDEX "outbound_messages_status_idx" ON "outbound_messages" USING btree ("status","next_attempt_at");--> statement-breakpoint
CREATE INDEX "outbound_messages_contact_idx" ON "outbound_messages" USING btree ("contact_id","created_at");--> statement-breakpoint
CREATE INDEX "outbound_messages_ref_idx" ON "outbound_messages" USING btree ("ref_type","ref_id");--> statement-breakpoint
CREATE INDEX "outbound_messages_customer_idx" ON "outbound_messages" USING btree ("customer_id","created_at");--> statement-breakpoint
CREATE INDEX "dcsa_event_subscriptions_customer_idx" ON "dcsa_event_subscriptions" USING btree ("customer_id");--> statement-breakpoint
CREATE INDEX "tickets_shipment_idx" ON "tickets" USING btree ("shipment_id") WHERE "tickets"."shipment_id" is not null;--> statement-breakpoint
CREATE SEQUENCE IF NOT EXISTS "shipment_number_seq";

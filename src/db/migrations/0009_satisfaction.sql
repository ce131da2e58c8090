CREATE TABLE "satisfaction_ahp_judgements" (
	"id" uuid PRIMARY KEY NOT NULL,
	"version_id" uuid NOT NULL,
	"parent_key" text NOT NULL,
	"expert_name" text NOT NULL,
	"child_keys" jsonb NOT NULL,
	"matrix" jsonb NOT NULL,
	"consistency_ratio" numeric,
	"created_by_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "satisfaction_alerts" (
	"id" uuid PRIMARY KEY NOT NULL,
	"customer_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"response_id" uuid,
	"current_index" numeric,
	"previous_index" numeric,
	"low_items" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"owner_id" uuid,
	"follow_up_id" uuid,
	"corrective_action_id" uuid,
	"note" text,
	"closed_at" timestamp with time zone,
	"closed_by_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "satisfaction_model_versions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"model_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"nodes" jsonb NOT NULL,
	"change_note" text,
	"created_by_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "satisfaction_models" (
	"id" uuid PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"status" text DEFAULT 'active' NOT NULL,
	"current_version_id" uuid,
	"is_default" integer DEFAULT 0 NOT NULL,
	"created_by_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "survey_answers" (
	"response_id" uuid NOT NULL,
	"item_key" text NOT NULL,
	"score" smallint,
	"ideal_score" smallint,
	"importance" smallint,
	"answered_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "survey_answers_response_id_item_key_pk" PRIMARY KEY("response_id","item_key")
);
--> statement-breakpoint
CREATE TABLE "survey_invitations" (
	"id" uuid PRIMARY KEY NOT NULL,
	"survey_id" uuid NOT NULL,
	"wave_id" uuid,
	"version_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"contact_id" uuid,
	"token_hash" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"ref_type" text,
	"ref_id" uuid,
	"department_id" uuid,
	"mode" text,
	"lane" text,
	"sent_at" timestamp with time zone,
	"opened_at" timestamp with time zone,
	"last_reminder_at" timestamp with time zone,
	"reminder_count" integer DEFAULT 0 NOT NULL,
	"completed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "survey_responses" (
	"id" uuid PRIMARY KEY NOT NULL,
	"invitation_id" uuid NOT NULL,
	"survey_id" uuid NOT NULL,
	"model_id" uuid NOT NULL,
	"version_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"contact_id" uuid,
	"department_id" uuid,
	"mode" text,
	"lane" text,
	"value_class" text,
	"channel" text DEFAULT 'link' NOT NULL,
	"status" text DEFAULT 'partial' NOT NULL,
	"comment" text,
	"response_index" smallint,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"submitted_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "survey_waves" (
	"id" uuid PRIMARY KEY NOT NULL,
	"survey_id" uuid NOT NULL,
	"number" integer NOT NULL,
	"segment" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_by_id" uuid
);
--> statement-breakpoint
CREATE TABLE "surveys" (
	"id" uuid PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"model_id" uuid NOT NULL,
	"version_id" uuid NOT NULL,
	"trigger" text DEFAULT 'manual' NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"segment" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"recurrence_months" integer,
	"next_wave_at" timestamp with time zone,
	"ask_ideal" boolean DEFAULT false NOT NULL,
	"ask_importance" boolean DEFAULT false NOT NULL,
	"intro_zh" text,
	"intro_en" text,
	"token_ttl_days" integer DEFAULT 30 NOT NULL,
	"reminder_days" jsonb DEFAULT '[3,7]'::jsonb NOT NULL,
	"min_days_between" integer DEFAULT 30 NOT NULL,
	"created_by_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"closed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "corrective_actions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"number" text NOT NULL,
	"title" text NOT NULL,
	"source" text NOT NULL,
	"model_id" uuid,
	"item_key" text,
	"response_id" uuid,
	"alert_id" uuid,
	"ticket_ids" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"customer_id" uuid,
	"owner_id" uuid NOT NULL,
	"department_id" uuid,
	"due_at" timestamp with time zone NOT NULL,
	"problem" text,
	"measures" text NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"before_score" numeric,
	"before_count" integer,
	"before_until" timestamp with time zone,
	"verification_method" text,
	"verification_survey_id" uuid,
	"verification_follow_up_id" uuid,
	"after_score" numeric,
	"after_count" integer,
	"verification_note" text,
	"verified_at" timestamp with time zone,
	"verified_by_id" uuid,
	"follow_up_id" uuid,
	"created_by_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"closed_at" timestamp with time zone,
	CONSTRAINT "corrective_actions_number_unique" UNIQUE("number")
);
--> statement-breakpoint
ALTER TABLE "satisfaction_ahp_judgements" ADD CONSTRAINT "satisfaction_ahp_judgements_version_id_satisfaction_model_versions_id_fk" FOREIGN KEY ("version_id") REFERENCES "public"."satisfaction_model_versions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "satisfaction_ahp_judgements" ADD CONSTRAINT "satisfaction_ahp_judgements_created_by_id_users_id_fk" FOREIGN KEY ("created_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "satisfaction_alerts" ADD CONSTRAINT "satisfaction_alerts_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "satisfaction_alerts" ADD CONSTRAINT "satisfaction_alerts_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "satisfaction_alerts" ADD CONSTRAINT "satisfaction_alerts_closed_by_id_users_id_fk" FOREIGN KEY ("closed_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "satisfaction_model_versions" ADD CONSTRAINT "satisfaction_model_versions_model_id_satisfaction_models_id_fk" FOREIGN KEY ("model_id") REFERENCES "public"."satisfaction_models"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "satisfaction_model_versions" ADD CONSTRAINT "satisfaction_model_versions_created_by_id_users_id_fk" FOREIGN KEY ("created_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "satisfaction_models" ADD CONSTRAINT "satisfaction_models_created_by_id_users_id_fk" FOREIGN KEY ("created_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "survey_answers" ADD CONSTRAINT "survey_answers_response_id_survey_responses_id_fk" FOREIGN KEY ("response_id") REFERENCES "public"."survey_responses"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "survey_invitations" ADD CONSTRAINT "survey_invitations_survey_id_surveys_id_fk" FOREIGN KEY ("survey_id") REFERENCES "public"."surveys"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "survey_invitations" ADD CONSTRAINT "survey_invitations_wave_id_survey_waves_id_fk" FOREIGN KEY ("wave_id") REFERENCES "public"."survey_waves"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "survey_invitations" ADD CONSTRAINT "survey_invitations_version_id_satisfaction_model_versions_id_fk" FOREIGN KEY ("version_id") REFERENCES "public"."satisfaction_model_versions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "survey_invitations" ADD CONSTRAINT "survey_invitations_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "survey_invitations" ADD CONSTRAINT "survey_invitations_contact_id_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."contacts"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "survey_invitations" ADD CONSTRAINT "survey_invitations_department_id_departments_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."departments"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "survey_responses" ADD CONSTRAINT "survey_responses_invitation_id_survey_invitations_id_fk" FOREIGN KEY ("invitation_id") REFERENCES "public"."survey_invitations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "survey_responses" ADD CONSTRAINT "survey_responses_survey_id_surveys_id_fk" FOREIGN KEY ("survey_id") REFERENCES "public"."surveys"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "survey_responses" ADD CONSTRAINT "survey_responses_model_id_satisfaction_models_id_fk" FOREIGN KEY ("model_id") REFERENCES "public"."satisfaction_models"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "survey_responses" ADD CONSTRAINT "survey_responses_version_id_satisfaction_model_versions_id_fk" FOREIGN KEY ("version_id") REFERENCES "public"."satisfaction_model_versions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "survey_responses" ADD CONSTRAINT "survey_responses_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "survey_waves" ADD CONSTRAINT "survey_waves_survey_id_surveys_id_fk" FOREIGN KEY ("survey_id") REFERENCES "public"."surveys"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "survey_waves" ADD CONSTRAINT "survey_waves_started_by_id_users_id_fk" FOREIGN KEY ("started_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "surveys" ADD CONSTRAINT "surveys_model_id_satisfaction_models_id_fk" FOREIGN KEY ("model_id") REFERENCES "public"."satisfaction_models"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "surveys" ADD CONSTRAINT "surveys_version_id_satisfaction_model_versions_id_fk" FOREIGN KEY ("version_id") REFERENCES "public"."satisfaction_model_versions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "surveys" ADD CONSTRAINT "surveys_created_by_id_users_id_fk" FOREIGN KEY ("created_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "corrective_actions" ADD CONSTRAINT "corrective_actions_model_id_satisfaction_models_id_fk" FOREIGN KEY ("model_id") REFERENCES "public"."satisfaction_models"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "corrective_actions" ADD CONSTRAINT "corrective_actions_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "corrective_actions" ADD CONSTRAINT "corrective_actions_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "corrective_actions" ADD CONSTRAINT "corrective_actions_department_id_departments_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."departments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "corrective_actions" ADD CONSTRAINT "corrective_actions_verified_by_id_users_id_fk" FOREIGN KEY ("verified_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "corrective_actions" ADD CONSTRAINT "corrective_actions_created_by_id_users_id_fk" FOREIGN KEY ("created_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "satisfaction_ahp_judgements_expert_idx" ON "satisfaction_ahp_judgements" USING btree ("version_id","parent_key","expert_name");--> statement-breakpoint
CREATE UNIQUE INDEX "satisfaction_alerts_response_kind_idx" ON "satisfaction_alerts" USING btree ("response_id","kind") WHERE "satisfaction_alerts"."response_id" is not null;--> statement-breakpoint
CREATE INDEX "satisfaction_alerts_customer_idx" ON "satisfaction_alerts" USING btree ("customer_id","created_at");--> statement-breakpoint
CREATE INDEX "satisfaction_alerts_status_idx" ON "satisfaction_alerts" USING btree ("status","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "satisfaction_model_versions_model_version_idx" ON "satisfaction_model_versions" USING btree ("model_id","version");--> statement-breakpoint
CREATE UNIQUE INDEX "survey_invitations_token_idx" ON "survey_invitations" USING btree ("token_hash");--> statement-breakpoint
CREATE UNIQUE INDEX "survey_invitations_ref_idx" ON "survey_invitations" USING btree ("survey_id","ref_type","ref_id") WHERE "survey_invitations"."ref_id" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "survey_invitations_wave_contact_idx" ON "survey_invitations" USING btree ("wave_id","customer_id","contact_id") WHERE "survey_invitations"."wave_id" is not null;--> statement-breakpoint
CREATE INDEX "survey_invitations_survey_idx" ON "survey_invitations" USING btree ("survey_id","status");--> statement-breakpoint
CREATE INDEX "survey_invitations_customer_idx" ON "survey_invitations" USING btree ("customer_id","created_at");--> statement-breakpoint
CREATE INDEX "survey_invitations_reminder_idx" ON "survey_invitations" USING btree ("status","sent_at") WHERE "survey_invitations"."status" in ('sent', 'opened', 'partial');--> statement-breakpoint
CREATE UNIQUE INDEX "survey_responses_invitation_idx" ON "survey_responses" USING btree ("invitation_id");--> statement-breakpoint
CREATE INDEX "survey_responses_model_submitted_idx" ON "survey_responses" USING btree ("model_id","submitted_at");--> statement-breakpoint
CREATE INDEX "survey_responses_customer_idx" ON "survey_responses" USING btree ("customer_id","submitted_at");--> statement-breakpoint
CREATE INDEX "survey_responses_survey_idx" ON "survey_responses" USING btree ("survey_id","submitted_at");--> statement-breakpoint
CREATE UNIQUE INDEX "survey_waves_survey_number_idx" ON "survey_waves" USING btree ("survey_id","number");--> statement-breakpoint
CREATE INDEX "surveys_trigger_status_idx" ON "surveys" USING btree ("trigger","status");--> statement-breakpoint
CREATE INDEX "corrective_actions_status_idx" ON "corrective_actions" USING btree ("status","due_at");--> statement-breakpoint
CREATE INDEX "corrective_actions_owner_idx" ON "corrective_actions" USING btree ("owner_id","status");--> statement-breakpoint
CREATE INDEX "corrective_actions_customer_idx" ON "corrective_actions" USING btree ("customer_id");
from services.deling.app import service

service.run()
